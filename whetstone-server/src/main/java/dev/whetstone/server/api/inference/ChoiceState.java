package dev.whetstone.server.api.inference;

import dev.whetstone.engine.inference.FinishReason;
import dev.whetstone.engine.inference.GeneratedToken;
import dev.whetstone.safety.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * One choice as it accumulates: its tokens with their text offsets, the part of its text the content filter has
 * released (after any echoed prompt), its end.
 */
final class ChoiceState {
    private final String prefix;
    private final CompletionGate gate;
    private final StringBuilder shown = new StringBuilder();
    private final List<GeneratedToken> tokens = new ArrayList<>();
    private final List<Integer> offsets = new ArrayList<>();
    private int length;
    private FinishReason finish;
    private int completionTokens;

    /**
     * @param prefix text shown before the generated text (the prompt, for completions with echo)
     * @param gate   decides how much of the generated text may be shown
     */
    ChoiceState(String prefix, CompletionGate gate) {
        this.prefix = prefix;
        this.gate = gate;
        this.shown.append(prefix);
        this.length = prefix.length();
    }

    /** Adds a token; returns the text it releases ("" while held back or once filtered). */
    String add(GeneratedToken token) {
        offsets.add(length);
        tokens.add(token);
        length += token.text().length();
        String released = gate.offer(token.text());
        shown.append(released);
        return released;
    }

    /** Ends the choice; returns the held-back text now released ("" when filtered). */
    String finish(FinishReason reason, int completionTokens) {
        this.finish = reason;
        this.completionTokens = completionTokens;
        String rest = gate.finish();
        shown.append(rest);
        return rest;
    }

    String prefix() { return prefix; }

    /** The text to show: the prefix and what the filter released. */
    String text() { return shown.toString(); }

    List<GeneratedToken> tokens() { return tokens; }

    /** The tokens whose text is entirely shown (a filtered choice hides the rest, log-probabilities included). */
    List<GeneratedToken> shownTokens() {
        int n = 0;
        while (n < tokens.size() && offsets.get(n) + tokens.get(n).text().length() <= shown.length()) n++;
        return tokens.subList(0, n);
    }

    /** Offset of token {@code i}'s text within {@link #text()}. */
    int offset(int i) { return offsets.get(i); }

    FinishReason finishReason() { return finish; }

    boolean filtered() { return gate.blocked(); }

    /** The API's finish_reason: {@code content_filter} when the filter cut the choice. */
    String finishWireName() { return filtered() ? "content_filter" : finish.wireName(); }

    /** The filter's last decision on this choice, or null when completions are not filtered. */
    Verdict verdict() { return gate.verdict(); }

    /** The engine's count once finished; the tokens seen so far before. */
    int completionTokens() { return finish != null ? completionTokens : tokens.size(); }

    /** How sure the model was of this choice (best_of ranks by it); 0 for an empty choice. */
    double meanLogprob() {
        return tokens.stream().mapToDouble(GeneratedToken::logprob).filter(d -> !Double.isNaN(d)).average().orElse(0);
    }
}
