package dev.whetstone.engine.torch.bench;

import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.HostDecoder;
import dev.whetstone.engine.torch.model.KvCache;
import dev.whetstone.engine.torch.model.LoadOptions;
import dev.whetstone.engine.torch.model.NoGrad;
import dev.whetstone.engine.torch.model.Precision;
import dev.whetstone.engine.torch.model.Tensors;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;

/**
 * How far int8 weight-only serving moves token log-probabilities from bf16 serving (each loaded as served: {@link
 * LoadOptions#serving}), on the benchmark's prompts:
 * both models decode the same tokens one step at a time (host decode steps where the model has them, as served;
 * else libtorch's cached pass with the decode kernels) —
 * each random 128-token prompt, then 32 tokens bf16 chooses greedily — and every next token's log-probability is
 * compared: mean over tokens of |lp_int8 − lp_bf16| / |lp_bf16|, and the mean absolute difference in nats.
 */
public final class Int8Accuracy {
    /** @param meanRelativeDifference the criterion (≤ 1 %); @param tokens log-probabilities compared */
    public record Result(double meanRelativeDifference, double meanAbsoluteNats, int tokens) {}

    private Int8Accuracy() {}

    public static Result measure(Path model, int prompts, int promptLength, int generated) throws java.io.IOException {
        try (CausalLm bf16 = CausalLm.load(model, LoadOptions.serving(Precision.BF16));
             CausalLm int8 = CausalLm.load(model, LoadOptions.serving(Precision.INT8));
             NoGrad g = NoGrad.enter()) {
            HostDecoder host16 = HostDecoder.create(bf16, 1, promptLength + generated);
            HostDecoder host8 = HostDecoder.create(int8, 1, promptLength + generated);
            if (host16 == null || host8 == null) {
                bf16.prepareDecode();
                int8.prepareDecode();
            }
            int vocab = bf16.config().vocabSize();
            int length = promptLength + generated;
            double rel = 0;
            double abs = 0;
            int n = 0;
            for (int p = 0; p < prompts; p++) {
                SplittableRandom r = new SplittableRandom(p);
                try (KvCache c16 = new KvCache(bf16.config(), bf16.computeType(), 1, length, length);
                     KvCache c8 = new KvCache(int8.config(), int8.computeType(), 1, length, length)) {
                    int token = r.nextInt(vocab);
                    for (int i = 0; i < length - 1; i++) {
                        double[] lp16 = host16 != null ? logProbs(host16.step(new int[] {token}, new long[] {i}))
                                : logProbs(bf16, c16, token, i);
                        double[] lp8 = host8 != null ? logProbs(host8.step(new int[] {token}, new long[] {i}))
                                : logProbs(int8, c8, token, i);
                        token = i + 1 < promptLength ? r.nextInt(vocab) : argmax(lp16);
                        rel += Math.abs(lp8[token] - lp16[token]) / Math.abs(lp16[token]);
                        abs += Math.abs(lp8[token] - lp16[token]);
                        n++;
                    }
                }
            }
            return new Result(rel / n, abs / n, n);
        }
    }

    /** Feeds {@code token} at {@code position}; the next token's log-probabilities, in double. */
    private static double[] logProbs(CausalLm m, KvCache cache, int token, long position) {
        try (PointerScope scope = new PointerScope()) {
            var h = m.hiddenCached(Tensors.longs(new long[] {token}, 1, 1), new long[] {position}, cache, 0);
            return logProbs(Tensors.toFloats(m.logits(h.select(1, 0))));
        }
    }

    private static double[] logProbs(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double sum = 0;
        for (float v : logits) sum += Math.exp(v - max);
        double log = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < out.length; i++) out[i] = logits[i] - log;
        return out;
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
