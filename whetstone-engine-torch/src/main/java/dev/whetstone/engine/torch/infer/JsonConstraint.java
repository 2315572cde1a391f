package dev.whetstone.engine.torch.infer;

import dev.whetstone.engine.inference.InferenceException;
import java.util.Set;

/**
 * JSON mode for one generation: before each sample, every token whose bytes the {@link JsonAutomaton} would refuse
 * from the current state gets logit −∞, special tokens too, and the end-of-sequence tokens only once the object is
 * complete (then nothing else); after it, the sampled token's bytes advance the state. So the text is one JSON
 * object by construction, whatever the model's logits — unless max_tokens or the context ends it first
 * (finish_reason {@code length}).
 *
 * <p>Cost per generated token: one pass over the vocabulary, each token's bytes fed to a scratch copy of the state
 * (V tokens × their length in bytes; docs/BENCHMARKS.md "JSON mode").
 */
final class JsonConstraint {
    private final TokenBytes vocabulary;
    private final Set<Integer> eos;
    private final JsonAutomaton state = new JsonAutomaton();
    private final JsonAutomaton scratch = new JsonAutomaton();

    JsonConstraint(TokenBytes vocabulary, Set<Integer> eos) {
        this.vocabulary = vocabulary;
        this.eos = eos;
    }

    /** A constraint over the same vocabulary whose text so far is what {@code state} has read (benchmarks). */
    JsonConstraint from(JsonAutomaton state) {
        JsonConstraint c = new JsonConstraint(vocabulary, eos);
        c.state.copyFrom(state);
        return c;
    }

    /** Sets the logits of tokens that cannot come next to −∞. */
    void mask(float[] logits) {
        boolean complete = state.complete();
        boolean any = false;
        for (int id = 0; id < logits.length; id++) {
            boolean allowed;
            if (eos.contains(id)) {
                allowed = complete;
            } else if (complete || vocabulary.special(id)) {
                allowed = false;
            } else {
                byte[] bytes = vocabulary.bytes(id);
                scratch.copyFrom(state);
                allowed = bytes.length > 0 && scratch.accept(bytes);
            }
            if (allowed) any = true; else logits[id] = Float.NEGATIVE_INFINITY;
        }
        if (!any) {
            // Only possible for a vocabulary without single-byte tokens, or a model without an EOS token.
            throw new InferenceException("JSON mode: no token of this model's vocabulary can continue the JSON here");
        }
    }

    /** Advances the state by the sampled token. */
    void advance(int id) {
        if (eos.contains(id)) return;
        if (!state.accept(vocabulary.bytes(id))) {
            throw new IllegalStateException("JSON mode: token " + id + " was sampled though masked");
        }
    }
}
