package dev.whetstone.engine.torch.infer;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Picks the next token (the server's sampling; reinforcement training samples its answers with it too) from (adjusted) logits. One per generation: a seeded sampler's stream is its own. */
public sealed interface Sampler {
    /** @param logits V adjusted logits (penalties and biases applied; not yet divided by a temperature) */
    int sample(float[] logits);

    /** The temperature logprobs are reported at: 1 for greedy, which reports the model's own distribution. */
    double temperature();

    static Sampler of(double temperature, double topP, long seed) {
        return temperature <= 0 ? new Greedy() : new Nucleus(temperature, topP, new SplittableRandom(seed));
    }

    /** Argmax; the lowest id wins a tie. */
    record Greedy() implements Sampler {
        @Override
        public int sample(float[] logits) {
            int best = 0;
            for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
            return best;
        }

        @Override
        public double temperature() { return 1; }
    }

    /**
     * softmax(logits / temperature), cut to the smallest set of most likely tokens whose mass reaches topP, then one
     * draw from the generation's own random stream.
     */
    record Nucleus(double temperature, double topP, SplittableRandom random) implements Sampler {
        /** Tokens below this share of the most likely one are skipped before sorting (fallback: all of them). */
        private static final double PREFILTER = 1e-7;

        @Override
        public int sample(float[] logits) {
            double[] p = Probabilities.softmax(logits, temperature);
            double u = random.nextDouble();
            if (topP >= 1) return draw(p, u);
            int[] order = nucleusOrder(p);
            double mass = 0;
            int n = 0;
            while (n < order.length && mass < topP) mass += p[order[n++]];
            double target = u * mass;
            double acc = 0;
            for (int i = 0; i < n; i++) {
                acc += p[order[i]];
                if (acc > target) return order[i];
            }
            return order[n - 1];
        }

        /** Inverse-CDF draw in id order. */
        private static int draw(double[] p, double u) {
            double acc = 0;
            int last = 0;
            for (int i = 0; i < p.length; i++) {
                if (p[i] == 0) continue;
                acc += p[i];
                last = i;
                if (acc > u) return i;
            }
            return last;
        }

        /**
         * Candidate ids, most likely first (ties by id). Only tokens above PREFILTER × max are sorted; when those
         * hold less than topP (possible only for topP close to 1) every token is.
         */
        private int[] nucleusOrder(double[] p) {
            double max = Arrays.stream(p).max().orElse(0);
            long[] keys = new long[p.length];
            int n = 0;
            double mass = 0;
            for (int i = 0; i < p.length; i++) {
                if (p[i] >= max * PREFILTER) {
                    keys[n++] = key(p[i], i);
                    mass += p[i];
                }
            }
            if (mass < topP) {
                n = 0;
                for (int i = 0; i < p.length; i++) keys[n++] = key(p[i], i);
            }
            long[] sorted = Arrays.copyOf(keys, n);
            Arrays.sort(sorted);
            int[] order = new int[n];
            for (int i = 0; i < n; i++) order[i] = (int) (sorted[i] & 0xffffffffL);
            return order;
        }

        /** Sorts ascending as probability descending, then id ascending (float bits order like non-negative floats). */
        private static long key(double p, int id) {
            return ((long) (Integer.MAX_VALUE - Float.floatToIntBits((float) p)) << 32) | id;
        }
    }
}
