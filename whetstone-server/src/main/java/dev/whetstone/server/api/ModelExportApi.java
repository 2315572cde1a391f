package dev.whetstone.server.api;

import dev.whetstone.Folders;
import dev.whetstone.error.ApiException;
import dev.whetstone.jobs.FineTunedModels;
import dev.whetstone.artifacts.ArtifactStore;
import dev.whetstone.jobs.JobPaths;
import dev.whetstone.jobs.JobStatus;
import dev.whetstone.jobs.ModelResolver;
import dev.whetstone.jobs.ResolvedModel;
import dev.whetstone.models.FineTunedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * {@code GET /models/{model_id}/export?format=peft|hf|gguf[&gguf_type=f32|f16|bf16|q8_0]}: our own extension; the
 * model is a base model, a fine-tuned model or a checkpoint ({@code ftchkpt-…} id or {@code …:ckpt-step-N} name)
 * (docs/models.md, "Export and import"). The export is written into scratch space under the data folder, then
 * streamed: a GGUF export as the single file, a folder (PEFT adapter, Hugging Face checkpoint) as a zip; the scratch
 * copy is deleted afterwards.
 */
public final class ModelExportApi {
    static final List<String> FORMATS = List.of("peft", "hf", "gguf");
    static final List<String> GGUF_TYPES = List.of("f32", "f16", "bf16", "q8_0");

    /** The engine's export (wired to TorchEngine; a fake in tests). */
    public interface Exporter {
        /**
         * @param base the base model folder of a fine-tuned model (used when {@code source} is an adapter), or null
         * @param out  a folder (peft, hf) or a file (gguf) to write
         * @throws IllegalArgumentException when the model cannot be written in that format (the message says why)
         */
        void export(Path source, Path base, String format, String ggufType, String name, Path out) throws IOException;
    }

    private final ModelResolver resolver;
    private final FineTunedModels fineTuned;
    private final JobPaths paths;
    private final Exporter exporter;

    public ModelExportApi(ModelResolver resolver, FineTunedModels fineTuned, JobPaths paths, Exporter exporter) {
        this.resolver = resolver;
        this.fineTuned = fineTuned;
        this.paths = paths;
        this.exporter = exporter;
    }

    public void register(Routes routes) {
        routes.get("/models/{model_id}/export", this::export);
    }

    private void export(Call call) throws IOException {
        String id = call.path("model_id");
        String format = choice(call, "format", FORMATS, null);
        String ggufType = choice(call, "gguf_type", GGUF_TYPES, "f16");
        if (call.query("gguf_type") != null && !format.equals("gguf")) {
            throw ApiException.invalid("gguf_type", "gguf_type applies only to format=gguf.");
        }
        Source source = source(id);
        Path scratch = Files.createDirectories(paths.dataDir().resolve("tmp"));
        Path work = Files.createTempDirectory(scratch, "export-");
        try (source) {
            String stem = id.replaceAll("[^A-Za-z0-9._-]", "_");
            Path out = format.equals("gguf") ? work.resolve(stem + "-" + ggufType + ".gguf") : work.resolve(stem);
            try {
                exporter.export(source.dir(), source.base(), format, ggufType, id, out);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("format", "Model '" + id + "' cannot be exported as " + format + ": "
                        + e.getMessage());
            } catch (IOException e) {
                // the stored files are missing or damaged (or the scratch space is full): the model's state, not a bug
                throw ApiException.wrongState("Model '" + id + "' could not be exported as " + format + ": " + e);
            }
            if (format.equals("gguf")) {
                call.ctx().contentType("application/octet-stream");
                call.ctx().header("Content-Disposition", "attachment; filename=\"" + out.getFileName() + "\"");
                call.ctx().header("Content-Length", Long.toString(Files.size(out)));
                Files.copy(out, call.ctx().res().getOutputStream()); // the servlet stream, as file content is sent
            } else {
                call.ctx().contentType("application/zip");
                call.ctx().header("Content-Disposition", "attachment; filename=\"" + stem + "-" + format + ".zip\"");
                ZipOutputStream zip = new ZipOutputStream(call.ctx().res().getOutputStream());
                zipFolder(out, stem + "/", zip);
                zip.finish();
            }
        } finally {
            Folders.deleteTree(work);
        }
    }

    /**
     * The folder to export and, for a fine-tuned model, the base model folder its adapter would apply to; a
     * fine-tuned model's folder is checked out of the artifact store (cached here) until the export is sent.
     */
    private record Source(Path dir, Path base, List<ArtifactStore.Checkout> checkouts) implements AutoCloseable {
        @Override
        public void close() {
            checkouts.forEach(ArtifactStore.Checkout::close);
        }
    }

    private Source source(String id) {
        Optional<FineTunedModel> ft = fineTuned.find(id);
        // a checkpoint (ftchkpt-… or …:ckpt-step-N) exports its own adapter or weights, over the job's base model
        boolean known = ft.isPresent() || resolver.catalog().findBase(id).isPresent() || resolver.isCheckpoint(id);
        if (!known) throw ApiException.notFound("Model", id);
        if (ft.isPresent() && !JobStatus.SUCCEEDED.wireName().equals(ft.get().status())) {
            throw ApiException.wrongState("Model '" + id + "' is " + ft.get().status() + "; only a succeeded model"
                    + " can be exported.");
        }
        ResolvedModel r = resolver.resolve(id);
        // the engine tells an adapter (which needs the base) from a full checkpoint (which ignores it)
        ArtifactStore.Checkout base = null;
        try {
            base = r.base().checkout(paths.artifacts());
            if (r.initDir() == null) return new Source(base.dir(), null, List.of(base));
            ArtifactStore.Checkout weights = paths.artifacts().checkout(r.initDir());
            return new Source(weights.dir(), base.dir(), List.of(weights, base));
        } catch (IOException e) {
            if (base != null) base.close();
            throw ApiException.wrongState("Model '" + id + "' could not be read from storage: " + e.getMessage());
        }
    }

    private static String choice(Call call, String param, List<String> allowed, String fallback) {
        String v = call.query(param);
        if (v == null || v.isBlank()) {
            if (fallback != null) return fallback;
            throw ApiException.invalid(param, "Query parameter '" + param + "' is required: one of " + allowed + ".");
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (!allowed.contains(lower)) {
            throw ApiException.invalid(param, "'" + v + "' is not a valid " + param + "; use one of " + allowed + ".");
        }
        return lower;
    }

    private static void zipFolder(Path dir, String prefix, ZipOutputStream zip) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            zip.putNextEntry(new ZipEntry(prefix + f.getFileName()));
            Files.copy(f, zip);
            zip.closeEntry();
        }
    }
}
