package dev.whetstone.server.api.inference;

import dev.whetstone.engine.inference.FinishReason;
import dev.whetstone.engine.inference.GeneratedToken;
import java.util.ArrayList;
import java.util.List;

/** One choice as it accumulates: its text (after any echoed prompt), its tokens with their text offsets, its end. */
final class ChoiceState {
    private final String prefix;
    private final StringBuilder text = new StringBuilder();
    private final List<GeneratedToken> tokens = new ArrayList<>();
    private final List<Integer> offsets = new ArrayList<>();
    private FinishReason finish;
    private int completionTokens;

    /** @param prefix text shown before the generated text (the prompt, for completions with echo) */
    ChoiceState(String prefix) {
        this.prefix = prefix;
        this.text.append(prefix);
    }

    void add(GeneratedToken token) {
        offsets.add(text.length());
        tokens.add(token);
        text.append(token.text());
    }

    void finish(FinishReason reason, int completionTokens) {
        this.finish = reason;
        this.completionTokens = completionTokens;
    }

    String prefix() { return prefix; }

    String text() { return text.toString(); }

    List<GeneratedToken> tokens() { return tokens; }

    /** Offset of token {@code i}'s text within {@link #text()}. */
    int offset(int i) { return offsets.get(i); }

    FinishReason finishReason() { return finish; }

    /** The engine's count once finished; the tokens seen so far before. */
    int completionTokens() { return finish != null ? completionTokens : tokens.size(); }

    /** How sure the model was of this choice (best_of ranks by it); 0 for an empty choice. */
    double meanLogprob() {
        return tokens.stream().mapToDouble(GeneratedToken::logprob).filter(d -> !Double.isNaN(d)).average().orElse(0);
    }
}
