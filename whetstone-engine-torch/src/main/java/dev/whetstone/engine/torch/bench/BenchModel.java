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

/** The benchmark's SmolLM2-135M-shaped model (random weights, a tokenizer to serve it) and its adapters. */
final class BenchModel {
    private BenchModel() {}

    static Path ensure(Path workDir) throws IOException {
        Path model = workDir.resolve("smollm2-135m-shape");
        if (!Files.exists(model.resolve("model.safetensors"))) {
            TinyModelFactory.write(model, new TinyModelFactory.Spec(TinyModelFactory.Arch.LLAMA, 49152, 576, 30, 9,
                    3, 1536, 8192, true, null, false), 0);
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
