package dev.whetstone.engine.torch.bench;

import dev.whetstone.engine.inference.ServingSpec;
import dev.whetstone.engine.torch.TorchNatives;
import dev.whetstone.engine.torch.infer.InferenceOptions;
import dev.whetstone.engine.torch.infer.TorchInferenceEngine;
import dev.whetstone.engine.torch.infer.TorchServedModel;
import dev.whetstone.engine.torch.model.Precision;
import java.nio.file.Path;
import org.bytedeco.pytorch.global.torch;

/**
 * Batch-1 decoding alone, for a profiler: the bench's SmolLM2-shaped model in one served format, greedy decodes of
 * 128 tokens after a 128-token prompt, over and over for a given time; prints the decode rate of each. Run it under
 * JFR ({@code -XX:StartFlightRecording=…}, then {@code jfr view hot-methods}) to see where a batch-1 step goes
 * beyond its products (what {@code KernelRates} times alone). Not a test: {@code main(workDir, format, seconds)}.
 */
public final class DecodeProfile {
    private DecodeProfile() {}

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Precision p = Precision.valueOf(args[1].toUpperCase(java.util.Locale.ROOT));
        double seconds = Double.parseDouble(args[2]);
        TorchNatives.prepare();
        torch.set_num_threads(2);
        Path model = BenchModel.ensure(work, BenchModel.SMOLLM2_SHAPE);
        try (TorchInferenceEngine engine = new TorchInferenceEngine(InferenceOptions.defaults().withThreads(2)
                .withMaxContext(1024).withPrecision(p))) {
            TorchServedModel bare = (TorchServedModel) engine.load(new ServingSpec("bare", model, null));
            System.out.println(bare.decodePath());
            long end = System.nanoTime() + (long) (seconds * 1e9);
            for (int i = 0; System.nanoTime() < end; i++) {
                BenchStream s = InferBench.generate(bare, InferBench.randomPrompt(bare, i), InferBench.noEos(bare, 128));
                System.out.printf("%s decode %.1f tokens/s%n", p, s.decodeTokensPerS());
            }
        }
    }
}
