package dev.whetstone.engine.torch.infer;

import dev.whetstone.engine.torch.model.Precision;
import java.time.Duration;

/**
 * How the inference engine runs.
 *
 * @param threads           libtorch intra-op threads (process-wide: the engine sets them when it starts)
 * @param maxBatch          sequences decoded together per base model (cache slots)
 * @param maxWaiting        generations queued per base model before {@code generate} answers busy
 * @param maxContext        the most tokens (prompt + generated) per sequence, further capped by the model's own context
 * @param maxGenerationTime a generation still unfinished this long after it was queued ends with an error
 * @param precision         the dtype base weights are served in
 */
public record InferenceOptions(int threads, int maxBatch, int maxWaiting, int maxContext, Duration maxGenerationTime,
                               Precision precision) {
    public InferenceOptions {
        if (threads < 1) throw new IllegalArgumentException("InferenceOptions: threads must be >= 1, got " + threads);
        if (maxBatch < 1) throw new IllegalArgumentException("InferenceOptions: maxBatch must be >= 1, got " + maxBatch);
        if (maxWaiting < 1) throw new IllegalArgumentException("InferenceOptions: maxWaiting must be >= 1, got " + maxWaiting);
        if (maxContext < 2) throw new IllegalArgumentException("InferenceOptions: maxContext must be >= 2, got " + maxContext);
        if (maxGenerationTime.isNegative() || maxGenerationTime.isZero()) {
            throw new IllegalArgumentException("InferenceOptions: maxGenerationTime must be positive");
        }
    }

    /**
     * All cores, batches of 8, 64 waiting, 4096-token contexts, 10 minutes per generation, fp32 weights: the
     * checkpoint's values as trained, unrounded. bf16 decodes about twice as fast and int8 faster still, where the
     * host decode steps serve the model (docs/BENCHMARKS.md, "Host decode steps"); they are a service option.
     */
    public static InferenceOptions defaults() {
        return new InferenceOptions(Runtime.getRuntime().availableProcessors(), 8, 64, 4096, Duration.ofMinutes(10),
                Precision.FP32);
    }

    public InferenceOptions withThreads(int n) {
        return new InferenceOptions(n, maxBatch, maxWaiting, maxContext, maxGenerationTime, precision);
    }

    public InferenceOptions withMaxBatch(int n) {
        return new InferenceOptions(threads, n, maxWaiting, maxContext, maxGenerationTime, precision);
    }

    public InferenceOptions withMaxWaiting(int n) {
        return new InferenceOptions(threads, maxBatch, n, maxContext, maxGenerationTime, precision);
    }

    public InferenceOptions withMaxContext(int n) {
        return new InferenceOptions(threads, maxBatch, maxWaiting, n, maxGenerationTime, precision);
    }

    public InferenceOptions withMaxGenerationTime(Duration d) {
        return new InferenceOptions(threads, maxBatch, maxWaiting, maxContext, d, precision);
    }

    public InferenceOptions withPrecision(Precision p) {
        return new InferenceOptions(threads, maxBatch, maxWaiting, maxContext, maxGenerationTime, p);
    }
}
