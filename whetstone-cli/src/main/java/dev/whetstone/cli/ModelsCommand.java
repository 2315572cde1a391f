package dev.whetstone.cli;

import dev.whetstone.Folders;
import dev.whetstone.engine.torch.TorchEngine;
import dev.whetstone.models.BaseModel;
import dev.whetstone.server.ModelDirectoryScanner;
import dev.whetstone.server.ServerConfig;
import dev.whetstone.server.StoredModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code whetstone models …}: model folders on disk. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Work with model folders.",
        subcommands = {ModelsCommand.CreateTiny.class, ModelsCommand.Export.class, ModelsCommand.Add.class})
final class ModelsCommand {

    @Command(name = "create-tiny", mixinStandardHelpOptions = true,
            description = "Write a tiny random model in Hugging Face layout (the demo models' shape), for tests and trials.")
    static final class CreateTiny implements Callable<Integer> {
        @Option(names = "--arch", required = true, description = "llama (chat, like tiny-chat) or gpt2 (completion, like tiny-completion).")
        Arch arch;

        @Option(names = "--out", required = true, description = "Folder to write (created).")
        Path out;

        enum Arch { llama, gpt2 }

        @Override
        public Integer call() throws Exception {
            String demo = arch == Arch.gpt2 ? "tiny-completion" : "tiny-chat";
            TorchEngine.createDemoModel(out, demo);
            System.out.println("wrote " + demo + "-shaped model to " + out);
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Download a base or fine-tuned model or a checkpoint from a running service: peft (the LoRA adapter as PEFT"
                    + " saves it), hf (a complete Hugging Face folder, the adapter merged) or gguf (one llama.cpp file).")
    static final class Export implements Callable<Integer> {
        @Mixin JobsCommand.Endpoint endpoint;

        @Parameters(index = "0", paramLabel = "MODEL", description = "Model id (base or fine-tuned), or a checkpoint id (ftchkpt-…) or name (…:ckpt-step-N).")
        String model;

        @Option(names = "--format", required = true, description = "peft, hf or gguf.")
        Format format;

        @Option(names = "--gguf-type", description = "Weights of a gguf export: f32, f16 (default), bf16 or q8_0.")
        GgufType ggufType;

        @Option(names = "--out", required = true, description = "Folder to write into (created).")
        Path out;

        @Option(names = "--timeout-minutes", defaultValue = "60",
                description = "How long the service may take to merge and convert (default ${DEFAULT-VALUE}).")
        long timeoutMinutes;

        enum Format { peft, hf, gguf }

        enum GgufType { f32, f16, bf16, q8_0 }

        @Override
        public Integer call() throws Exception {
            if (ggufType != null && format != Format.gguf) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                        "--gguf-type applies only to --format gguf");
            }
            String query = "?format=" + format + (ggufType != null ? "&gguf_type=" + ggufType : "");
            Path written = endpoint.client().download("/openai/models/"
                    + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20") + "/export" + query, out,
                    Duration.ofMinutes(timeoutMinutes));
            System.out.println("wrote " + written);
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Check a local Hugging Face model folder as the service will read it, then copy it into the"
                    + " models folder (hard links where the file system allows), where the service lists it; with"
                    + " --to-store, publish it to the object store and record it in the database instead, so every"
                    + " machine of a cluster lists it.")
    static final class Add implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PATH", description = "The model folder (config.json, *.safetensors, tokenizer.json).")
        Path source;

        @Option(names = "--name", description = "Model id (default: the folder's name).")
        String name;

        @Mixin
        StorageOptions storage = new StorageOptions();

        @Option(names = "--to-store", negatable = true, defaultValue = "${env:WHETSTONE_TO_STORE:-false}",
                description = "Publish the folder to the object store and record it in the database (needs"
                        + " --artifacts blob-store and the cluster's --db), instead of copying it into the models folder.")
        boolean toStore;

        @Override
        public Integer call() throws Exception {
            if (toStore) {
                String id = checkedId(source, name);
                TorchEngine.checkModel(source);
                ServerConfig config = ServerConfig.defaults(storage.data).withStorage(storage.dbOrNull(), storage.modelsDir)
                        .withArtifacts(storage.artifactOptions());
                BaseModel added = StoredModels.add(config, id, source);
                System.out.println("added " + added.id() + " to the object store (" + added.storeKey() + ")");
                return 0;
            }
            Path target = add(source, name, storage.modelsDir != null ? storage.modelsDir : storage.data.resolve("models"));
            System.out.println("added " + target.getFileName() + " (" + target + ")");
            return 0;
        }

        /** The model id ({@code name}, else the folder's name), once the folder is checked to be a model folder. */
        static String checkedId(Path source, String name) {
            if (!Files.isDirectory(source)) throw new IllegalArgumentException(source + " is not a folder");
            String id = name != null ? name : source.toAbsolutePath().normalize().getFileName().toString();
            if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new IllegalArgumentException("model name '" + id + "' must be letters, digits, '.', '_' or '-'"
                        + " (it becomes the folder name and the model id); pass --name");
            }
            List<String> missing = ModelDirectoryScanner.missingFiles(source);
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(source + " is not a Hugging Face model folder: missing "
                        + String.join(", ", missing));
            }
            return id;
        }

        /** Checks, then copies into {@code <models>/.<name>-…} and renames into place, so no half folder is listed. */
        static Path add(Path source, String name, Path models) throws IOException {
            String id = checkedId(source, name);
            TorchEngine.checkModel(source);
            Files.createDirectories(models);
            Path target = models.resolve(id);
            if (Files.exists(target)) {
                throw new IllegalArgumentException("a model named '" + id + "' exists already (" + target
                        + "); pass another --name");
            }
            Path staging = Files.createTempDirectory(models, "." + id + "-");
            try {
                List<Path> files;
                try (Stream<Path> s = Files.list(source)) {
                    files = s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
                            .toList();
                }
                for (Path f : files) linkOrCopy(f, staging.resolve(f.getFileName()));
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                return target;
            } finally {
                Folders.deleteTree(staging);
            }
        }

        /** A hard link costs no space; across file systems (or where links are refused) the file is copied. */
        private static void linkOrCopy(Path from, Path to) throws IOException {
            try {
                Files.createLink(to, from.toRealPath());
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(from, to);
            }
        }
    }
}
