package dev.whetstone.engine.torch;

import dev.whetstone.data.TrainingExample;
import dev.whetstone.data.prepare.TokenCounter;
import dev.whetstone.engine.Trainer;
import dev.whetstone.engine.inference.InferenceEngine;
import dev.whetstone.engine.torch.demo.TinyModels;
import dev.whetstone.engine.torch.export.ModelExport;
import dev.whetstone.engine.torch.infer.InferenceOptions;
import dev.whetstone.engine.torch.infer.TorchInferenceEngine;
import dev.whetstone.engine.torch.model.UnsupportedModelException;
import dev.whetstone.engine.torch.tokenizer.ChatTemplateException;
import dev.whetstone.engine.torch.tokenizer.ExampleTokenizer;
import dev.whetstone.engine.torch.tokenizer.HfTokenizer;
import dev.whetstone.engine.torch.tokenizer.TokenizerNatives;
import dev.whetstone.engine.torch.train.TorchTrainer;
import dev.whetstone.engine.torch.train.TrainingOptions;
import dev.whetstone.engine.torch.vision.Idefics3Config;
import dev.whetstone.engine.torch.vision.VisionLm;
import dev.whetstone.engine.torch.vision.VisionPrompts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What the rest of Whetstone (the service's wiring, the command line) uses of this module: the core's ports
 * ({@link Trainer}, {@link InferenceEngine}, {@link TokenCounter}) implemented on libtorch, the native-library
 * caches, and the demo models. The benchmarks ({@code bench}) are the only other public entry points.
 */
public final class TorchEngine {
    private TorchEngine() {}

    /**
     * Native libraries come inside Maven jars and are extracted on first use: both extraction caches (libtorch's and
     * the tokenizers') go under {@code cacheDir}, so nothing is fetched at run time and the service works offline.
     * Must run before the first libtorch or tokenizer class loads its library.
     */
    public static void useNativeCache(Path cacheDir) throws IOException {
        if (System.getProperty("org.bytedeco.javacpp.cachedir") == null) {
            System.setProperty("org.bytedeco.javacpp.cachedir", cacheDir.resolve("javacpp").toAbsolutePath().toString());
        }
        TorchNatives.prepare();
        useTokenizerCache(cacheDir);
    }

    /** The tokenizer library alone (prepare-data needs no libtorch), extracted under {@code cacheDir/tokenizers}. */
    public static void useTokenizerCache(Path cacheDir) {
        try {
            TokenizerNatives.useCacheDir(cacheDir.resolve("tokenizers"));
        } catch (IllegalStateException alreadyLoaded) {
            // A second server or run in the same JVM (tests): the library is loaded already, from the first one's cache.
        }
    }

    /** {@link TorchNatives#prepare()} where a signature has no IOException. */
    private static void natives() {
        try {
            TorchNatives.prepare();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot extract libtorch's native libraries", e);
        }
    }

    /** Fine-tuning on libtorch with the engine's default settings (all cores, LoRA defaults per architecture). */
    public static Trainer trainer() {
        natives();
        return new TorchTrainer(new TokenizerExampleEncoders(), TrainingOptions.defaults());
    }

    /**
     * Serving on libtorch with continuous batching.
     *
     * @param maxBatch          sequences decoded together per base model
     * @param maxWaiting        generations queued beyond that before requests are refused (429)
     * @param maxGenerationTime a generation running longer is ended
     */
    public static InferenceEngine inferenceEngine(int maxBatch, int maxWaiting, Duration maxGenerationTime) {
        return inferenceEngine(maxBatch, maxWaiting, maxGenerationTime, "fp32");
    }

    /**
     * As {@link #inferenceEngine(int, int, Duration)}, serving base weights in {@code weights}: fp32, bf16, or
     * int8 (weight-only: bf16 compute, int8 weights with per-row scales in decode steps; docs/inference.md).
     */
    public static InferenceEngine inferenceEngine(int maxBatch, int maxWaiting, Duration maxGenerationTime,
                                                  String weights) {
        dev.whetstone.engine.torch.model.Precision p = switch (weights) {
            case "fp32" -> dev.whetstone.engine.torch.model.Precision.FP32;
            case "bf16" -> dev.whetstone.engine.torch.model.Precision.BF16;
            case "int8" -> dev.whetstone.engine.torch.model.Precision.INT8;
            default -> throw new IllegalArgumentException("unknown served weight format '" + weights
                    + "'; one of fp32, bf16, int8");
        };
        return new TorchInferenceEngine(InferenceOptions.defaults().withMaxBatch(maxBatch).withMaxWaiting(maxWaiting)
                .withMaxGenerationTime(maxGenerationTime).withPrecision(p));
    }

    /** The built-in demo models' folder names ({@code tiny-chat}, {@code tiny-completion}). */
    public static List<String> demoModels() {
        return Arrays.stream(TinyModels.Kind.values()).map(k -> k.folderName).toList();
    }

    /** Creates the demo model {@code <modelsDir>/<name>} unless it exists; true when it was created. */
    public static boolean ensureDemoModel(Path modelsDir, String name) throws IOException {
        TorchNatives.prepare();
        return TinyModels.ensure(modelsDir, demo(name));
    }

    /** Writes the demo model {@code name} into {@code dir} (created). */
    public static void createDemoModel(Path dir, String name) throws IOException {
        TorchNatives.prepare();
        TinyModels.create(dir, demo(name));
    }

    private static TinyModels.Kind demo(String name) {
        return Arrays.stream(TinyModels.Kind.values()).filter(k -> k.folderName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no demo model '" + name + "'; one of " + demoModels()));
    }

    /** What {@link #exportModel} writes. */
    public enum ExportFormat {
        /** The LoRA adapter as Hugging Face PEFT saves it (a folder). */
        PEFT,
        /** A complete Hugging Face checkpoint folder, the adapter merged into the base. */
        HF,
        /** One GGUF file for llama.cpp, the adapter merged, tokenizer and chat template inside. */
        GGUF
    }

    /** The weight encoding of a GGUF export (norms and biases are always F32). */
    public enum GgufType { F32, F16, BF16, Q8_0 }

    /**
     * Exports a model for other tools.
     *
     * @param source a model folder (base model or full fine-tuning checkpoint) or a PEFT adapter folder
     * @param base   the adapter's base model folder (null for a model folder)
     * @param name   the model's name inside a GGUF file ({@code general.name})
     * @param out    the folder to write (PEFT, HF) or the file (GGUF)
     * @throws IllegalArgumentException when the format does not fit the source (PEFT of a complete model, a
     *                                  tokenizer llama.cpp cannot reproduce)
     */
    public static void exportModel(Path source, Path base, ExportFormat format, GgufType ggufType, String name,
                                   Path out) throws IOException {
        TorchNatives.prepare();
        try {
            switch (format) {
                case PEFT -> ModelExport.peft(source, out);
                case HF -> ModelExport.hf(source, base, out);
                case GGUF -> ModelExport.gguf(source, base,
                        dev.whetstone.engine.torch.export.GgufType.valueOf(ggufType.name()), name, out);
            }
        } catch (UnsupportedModelException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Whether {@code dir} holds a PEFT adapter (which needs its base model) rather than a complete model. */
    public static boolean isAdapter(Path dir) { return dev.whetstone.engine.torch.lora.PeftFiles.isAdapterDir(dir); }

    /**
     * Checks a Hugging Face model folder the way serving and training will read it: config.json (keys the engine
     * needs, a supported architecture), every weight present with the shape config.json implies and none left over,
     * and a tokenizer that loads. Weights are read once (as bf16, to halve the memory of the check).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static void checkModel(Path dir) throws IOException {
        if (isAdapter(dir)) {
            throw new IllegalArgumentException(dir + " holds a LoRA adapter (adapter_config.json), not a complete"
                    + " model; add its base model, or merge it first (whetstone models export --format hf)");
        }
        TorchNatives.prepare();
        var bf16 = new dev.whetstone.engine.torch.model.LoadOptions(
                dev.whetstone.engine.torch.model.Precision.BF16, false);
        try (HfTokenizer tokenizer = HfTokenizer.load(dir)) {
            int vocab;
            if (Idefics3Config.isVisionModel(dir)) {
                // the whole checkpoint, and a processor and tokenizer that fit it
                try (VisionLm model = VisionLm.load(dir, bf16)) {
                    VisionPrompts.of(dir, tokenizer);
                    vocab = model.config().text().vocabSize();
                }
            } else {
                try (dev.whetstone.engine.torch.model.CausalLm model =
                             dev.whetstone.engine.torch.model.CausalLm.load(dir, bf16)) {
                    vocab = model.config().vocabSize();
                }
            }
            if (tokenizer.vocabSize() > vocab) {
                throw new IllegalArgumentException(dir + ": the tokenizer has " + tokenizer.vocabSize()
                        + " tokens but config.json's vocab_size is " + vocab);
            }
        } catch (UnsupportedModelException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A counter of tokens with a model's own tokenizer and chat template, exactly as training encodes examples. */
    public interface ModelTokenCounter extends TokenCounter, AutoCloseable {
        @Override
        void close();
    }

    /** Opens the tokenizer of the Hugging Face model folder {@code dir} (tokenizer.json, tokenizer_config.json). */
    public static ModelTokenCounter tokenCounter(Path dir) throws IOException {
        HfTokenizer tokenizer = HfTokenizer.load(dir);
        // a vision model's template reads content parts; image parts count as their placeholder only
        boolean vision = Idefics3Config.isVisionModel(dir);
        ExampleTokenizer examples = vision
                ? new ExampleTokenizer(tokenizer, tokenizer.chatTemplateOrFallback().withContentParts(),
                        Integer.MAX_VALUE)
                : new ExampleTokenizer(tokenizer, Integer.MAX_VALUE);
        return new ModelTokenCounter() {
            @Override
            public long count(TrainingExample example) {
                try {
                    return examples.tokenize(example).tokens();
                } catch (ChatTemplateException e) {
                    throw new RefusedException(e.getMessage());
                }
            }

            /** A vision model's image tokens depend on the images' sizes, which counting does not load. */
            @Override
            public boolean exact() { return !vision; }

            @Override
            public void close() { tokenizer.close(); }
        };
    }
}
