package dev.whetstone.engine.torch.infer;

import dev.whetstone.engine.inference.TokenLogprob;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/** Softmax and log-probabilities over host logits, in double precision. */
final class Probabilities {
    private Probabilities() {}

    static double[] softmax(float[] logits, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    /** log Σ exp(logits / T), the normaliser of the log-probabilities. */
    static double logNormaliser(float[] logits, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l / temperature);
        double sum = 0;
        for (float l : logits) sum += Math.exp(l / temperature - max);
        return max + Math.log(sum);
    }

    /**
     * The {@code k} most likely ids with their log-probabilities, most likely first (ties by id). Masked tokens
     * (logit −∞, JSON mode) are never listed: their log-probability has no JSON number.
     */
    static List<TokenLogprob> top(float[] logits, double temperature, double logZ, int k, TokenText text) {
        PriorityQueue<Integer> heap = new PriorityQueue<>(k + 1,
                (a, b) -> logits[a] != logits[b] ? Float.compare(logits[a], logits[b]) : Integer.compare(b, a));
        for (int i = 0; i < logits.length && k > 0; i++) {
            if (logits[i] == Float.NEGATIVE_INFINITY) continue;
            heap.add(i);
            if (heap.size() > k) heap.poll();
        }
        List<TokenLogprob> out = new ArrayList<>(heap.size());
        while (!heap.isEmpty()) {
            int id = heap.poll();
            out.add(0, text.logprob(id, logits[id] / temperature - logZ));
        }
        return out;
    }
}
