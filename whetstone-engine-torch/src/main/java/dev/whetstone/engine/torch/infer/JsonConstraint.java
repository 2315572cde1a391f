package dev.whetstone.engine.torch.infer;

import dev.whetstone.engine.inference.InferenceException;
import dev.whetstone.engine.inference.OutputConstraint;
import java.nio.charset.StandardCharsets;
import java.util.List;
import dev.whetstone.engine.inference.schema.CompiledSchema;
import java.util.Set;
import java.util.function.Supplier;

/**
 * JSON mode, structured outputs and constrained function calls for one generation: before each sample, every token whose bytes the automaton
 * ({@link JsonAutomaton} for any object, {@link SchemaAutomaton} for a schema) would refuse from the current state
 * gets logit −∞, special tokens too, and the end-of-sequence tokens only once the document is complete (then
 * nothing else); after it, the sampled token's bytes advance the state. So the text is valid by construction,
 * whatever the model's logits — unless max_tokens or the context ends it first (finish_reason {@code length}).
 *
 * <p>Cost per generated token: one pass over the vocabulary, each token's bytes fed to a scratch copy of the state
 * (V tokens × their length in bytes; docs/BENCHMARKS.md "JSON mode", "Structured outputs").
 */
public final class JsonConstraint<A extends ByteAutomaton<A>> {
    private final TokenBytes vocabulary;
    private final Set<Integer> eos;
    private final Supplier<A> automata;
    private final String what;
    private final A state;
    private final A scratch;

    private JsonConstraint(TokenBytes vocabulary, Set<Integer> eos, Supplier<A> automata, String what) {
        this.vocabulary = vocabulary;
        this.eos = eos;
        this.automata = automata;
        this.what = what;
        this.state = automata.get();
        this.scratch = automata.get();
    }

    /**
     * A fresh constraint for one generation under {@code constraint}, or null for free text (a reinforcement run's
     * sampled answers, {@code method.reinforcement.response_format}).
     */
    public static JsonConstraint<?> of(OutputConstraint constraint, TokenBytes vocabulary, Set<Integer> eos) {
        return switch (constraint) {
            case OutputConstraint.Text ignored -> null;
            case OutputConstraint.JsonObject ignored -> object(vocabulary, eos);
            case OutputConstraint.JsonSchema s -> schema(vocabulary, eos, s.schema());
            case OutputConstraint.ToolCall c -> toolCall(vocabulary, eos, c);
        };
    }

    /** JSON mode: any one JSON object. */
    static JsonConstraint<JsonAutomaton> object(TokenBytes vocabulary, Set<Integer> eos) {
        return new JsonConstraint<>(vocabulary, eos, JsonAutomaton::new, "JSON mode");
    }

    /** Structured outputs: one JSON object valid for {@code schema}. */
    static JsonConstraint<SchemaAutomaton> schema(TokenBytes vocabulary, Set<Integer> eos, CompiledSchema schema) {
        return new JsonConstraint<>(vocabulary, eos, () -> new SchemaAutomaton(schema),
                "Structured output '" + schema.name() + "'");
    }

    /** A function call after a forced prefix ({@link OutputConstraint.ToolCall}). */
    static JsonConstraint<SchemaAutomaton> toolCall(TokenBytes vocabulary, Set<Integer> eos, OutputConstraint.ToolCall call) {
        List<byte[]> leads = call.leads().stream().map(l -> l.getBytes(StandardCharsets.UTF_8)).toList();
        byte[] end = call.end().getBytes(StandardCharsets.UTF_8);
        return new JsonConstraint<>(vocabulary, eos, () -> new SchemaAutomaton(leads, call.arguments(), end),
                "Function call");
    }

    /** A constraint over the same vocabulary whose text so far is what {@code state} has read (benchmarks). */
    JsonConstraint<A> from(A state) {
        JsonConstraint<A> c = new JsonConstraint<>(vocabulary, eos, automata, what);
        c.state.copyFrom(state);
        return c;
    }

    /** Sets the logits of tokens that cannot come next to −∞. */
    public void mask(float[] logits) {
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
            throw new InferenceException(what + ": no token of this model's vocabulary can continue the JSON here");
        }
    }

    /** Advances the state by the sampled token. */
    public void advance(int id) {
        if (eos.contains(id)) return;
        if (!state.accept(vocabulary.bytes(id))) {
            throw new IllegalStateException(what + ": token " + id + " was sampled though masked");
        }
    }
}
