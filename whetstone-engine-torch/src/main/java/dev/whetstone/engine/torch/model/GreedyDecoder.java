package dev.whetstone.engine.torch.model;

import java.util.Arrays;
import java.util.Collection;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Greedy decoding without a KV cache: each new token re-runs the whole sequence, O(T²) work per token. Meant for
 * tests and quick checks; the inference engine has the cached, batched decoder.
 */
public final class GreedyDecoder {
    private GreedyDecoder() {}

    /**
     * @return the generated tokens (without the prompt), stopping after a stop id (included) or
     *         {@code maxNewTokens} or the model's context length
     */
    public static int[] generate(CausalLm model, int[] prompt, int maxNewTokens, Collection<Integer> stopIds) {
        int[] seq = Arrays.copyOf(prompt, prompt.length + maxNewTokens);
        int len = prompt.length;
        int limit = Math.min(seq.length, model.config().maxPositions());
        try (NoGrad ng = NoGrad.enter()) {
            while (len < limit) {
                int next;
                try (PointerScope scope = new PointerScope()) {
                    long[] ids = new long[len];
                    for (int i = 0; i < len; i++) ids[i] = seq[i];
                    Tensor h = model.hidden(Tensors.longs(ids, 1, len), null, null);   // (1, T, D)
                    Tensor last = h.select(1, len - 1);                                 // (1, D)
                    next = (int) model.logits(last).argmax().item_long();
                }
                seq[len++] = next;
                if (stopIds.contains(next)) break;
            }
        }
        return Arrays.copyOfRange(seq, prompt.length, len);
    }
}
