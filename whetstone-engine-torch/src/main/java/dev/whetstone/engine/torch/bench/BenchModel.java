package dev.whetstone.engine.torch.bench;

import dev.whetstone.engine.torch.lora.LoraConfig;
import dev.whetstone.engine.torch.lora.LoraModel;
import dev.whetstone.engine.torch.lora.PeftFiles;
import dev.whetstone.engine.torch.model.Architecture;
import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.LoadOptions;
import dev.whetstone.engine.torch.model.NoGrad;
import dev.whetstone.engine.torch.model.Precision;
import dev.whetstone.engine.torch.model.Tensors;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import dev.whetstone.engine.torch.demo.TinyTokenizerFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.pytorch.global.torch;

/**
 * The benchmark models (random weights, a tokenizer to serve them) and their adapters: the SmolLM2-135M shape
 * (Llama), and the Qwen3-0.6B shape (Qwen3: q/k norms, head_dim 128).
 */
final class BenchModel {
    static final String SMOLLM2_SHAPE = "smollm2-135m-shape";
    static final String QWEN3_SHAPE = "qwen3-0.6b-shape";
    /** The models {@code bench infer} serves. */
    static final java.util.List<String> INFER_MODELS = java.util.List.of(SMOLLM2_SHAPE, QWEN3_SHAPE);

    private BenchModel() {}

    /**
     * Qwen3-0.6B's config: vocab 151,936, hidden 1024, 28 layers, 16 heads, 8 KV heads, head_dim 128 (the factory's
     * Qwen3 head_dim, 2 · hidden / heads), MLP 3072, tied embeddings; context 8192 instead of 40,960 (only the
     * context check reads it).
     */
    static TinyModelFactory.Spec qwen3Shape() {
        return new TinyModelFactory.Spec(TinyModelFactory.Arch.QWEN3, 151936, 1024, 28, 16, 8, 3072, 8192, true, null,
                false);
    }

    static Path ensure(Path workDir) throws IOException {
        return ensure(workDir, SMOLLM2_SHAPE);
    }

    static Path ensure(Path workDir, String name) throws IOException {
        Path model = workDir.resolve(name);
        if (!Files.exists(model.resolve("model.safetensors"))) {
            TinyModelFactory.Spec spec = switch (name) {
                case SMOLLM2_SHAPE -> new TinyModelFactory.Spec(TinyModelFactory.Arch.LLAMA, 49152, 576, 30, 9,
                        3, 1536, 8192, true, null, false);
                case QWEN3_SHAPE -> qwen3Shape();
                default -> throw new IllegalArgumentException("unknown model " + name + "; one of " + INFER_MODELS);
            };
            TinyModelFactory.write(model, spec, 0);
        }
        // Prompts are random ids; the tiny tokenizer only turns outputs into (mostly empty) text, as in serving.
        if (!Files.exists(model.resolve("tokenizer.json"))) TinyTokenizerFactory.write(model, TinyTokenizerFactory.Flavor.COMPLETION);
        return model;
    }

    /** Rank 16, alpha 32, all seven projections (as the training benchmark), random non-zero B. */
    static Path adapter(Path model, Path dir, long seed) throws IOException {
        if (PeftFiles.isAdapterDir(dir)) return dir;
        try (CausalLm m = CausalLm.load(model, new LoadOptions(Precision.FP32, false))) {
            LoraModel lora = LoraModel.attach(m, new LoraConfig(16, 32, 0,
                    LoraConfig.targets(Architecture.LLAMA, true), false), seed);
            torch.manual_seed(seed);
            try (NoGrad ng = NoGrad.enter()) {
                lora.trainableParameters().forEach((n, t) -> {
                    if (n.contains("lora_B")) t.copy_(torch.randn(t.size(0), t.size(1)).mul(Tensors.scalar(0.01)));
                });
            }
            lora.save(dir);
            lora.close();
        }
        return dir;
    }
}
