package dev.whetstone.engine.torch.export;

import dev.whetstone.engine.torch.lora.LoraModel;
import dev.whetstone.engine.torch.lora.PeftFiles;
import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.HfCheckpoint;
import dev.whetstone.engine.torch.model.LoadOptions;
import dev.whetstone.engine.torch.model.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;

/**
 * Writes a model in the formats other tools load. The source is a model folder (a base model or a full fine-tuning
 * checkpoint: config.json, safetensors, tokenizer) or a PEFT adapter folder with the base model it was trained on.
 * Merging and conversion happen in fp32, so the merged weights are W + (alpha/r)·B·A before any rounding.
 */
public final class ModelExport {
    private ModelExport() {}

    /** The adapter as PEFT saves it (adapter_config.json, adapter_model.safetensors). */
    public static void peft(Path source, Path outDir) throws IOException {
        if (!PeftFiles.isAdapterDir(source)) {
            throw new IllegalArgumentException(source.getFileName() + " is a complete model, not a LoRA adapter;"
                    + " export it as hf or gguf");
        }
        try (PointerScope scope = new PointerScope()) {
            PeftFiles.read(source); // refuse a damaged adapter before writing anything
        }
        Files.createDirectories(outDir);
        for (String f : List.of(PeftFiles.CONFIG, PeftFiles.WEIGHTS)) {
            Files.copy(source.resolve(f), outDir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * A complete Hugging Face checkpoint folder: an adapter is merged into its base (saved in the base's dtype,
     * with the base's tokenizer and generation config); a model folder is copied.
     *
     * @param base the adapter's base model folder; ignored for a model folder
     */
    public static void hf(Path source, Path base, Path outDir) throws IOException {
        if (!PeftFiles.isAdapterDir(source)) {
            copyModelFolder(source, outDir);
            return;
        }
        try (CausalLm model = loadMerged(source, base)) {
            HfCheckpoint.save(model, outDir);
        }
    }

    /** One GGUF file with the (merged) weights in {@code type}, the tokenizer and the chat template. */
    public static void gguf(Path source, Path base, GgufType type, String name, Path outFile) throws IOException {
        Path tokenizerDir = PeftFiles.isAdapterDir(source) ? base : source;
        try (CausalLm model = loadMerged(source, base)) {
            Files.createDirectories(outFile.toAbsolutePath().getParent());
            GgufExport.write(model, tokenizerDir, name, type, outFile);
        }
    }

    /** The model in fp32 with the adapter (if {@code source} is one) added into its weights. */
    private static CausalLm loadMerged(Path source, Path base) throws IOException {
        boolean adapter = PeftFiles.isAdapterDir(source);
        if (adapter && base == null) throw new IllegalArgumentException("an adapter needs its base model folder");
        CausalLm model = CausalLm.load(adapter ? base : source, new LoadOptions(Precision.FP32, false));
        if (!adapter) return model;
        try {
            LoraModel.load(model, source).mergeIntoBase();
            return model;
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Every top-level file of a model folder (hidden files aside); training state lives elsewhere. */
    private static void copyModelFolder(Path source, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        List<Path> files;
        try (Stream<Path> s = Files.list(source)) {
            files = s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).toList();
        }
        for (Path f : files) Files.copy(f, outDir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }
}
