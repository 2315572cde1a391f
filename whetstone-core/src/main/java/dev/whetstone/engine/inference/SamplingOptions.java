package dev.whetstone.engine.inference;

import java.util.List;
import java.util.Map;

/**
 * How to pick tokens. Validated by the API layer before it gets here (ranges as in docs/reference/API.md §6).
 *
 * @param maxTokens        the most tokens to generate (also bounded by the context)
 * @param temperature      0 means greedy (argmax); otherwise logits are divided by it before sampling
 * @param topP             nucleus sampling mass in (0, 1]
 * @param seed             seeds this generation's random stream; null for a random seed
 * @param presencePenalty  subtracted once from the logit of every token already generated
 * @param frequencyPenalty subtracted from a token's logit per time it was generated
 * @param logitBias        token id → bias added to its logit
 * @param stop             up to four stop strings; the text ends before the first one and never contains it
 * @param topLogprobs      how many alternatives to report per token; -1 for no log-probabilities at all, 0 for the
 *                         chosen token's only
 * @param constraint       what the text must be ({@link OutputConstraint#NONE}: anything)
 */
public record SamplingOptions(int maxTokens, double temperature, double topP, Long seed, double presencePenalty,
                              double frequencyPenalty, Map<Integer, Double> logitBias, List<String> stop,
                              int topLogprobs, OutputConstraint constraint) {
    public SamplingOptions {
        logitBias = Map.copyOf(logitBias);
        stop = List.copyOf(stop);
        if (constraint == null) constraint = OutputConstraint.NONE;
    }

    /** Options without an output constraint. */
    public SamplingOptions(int maxTokens, double temperature, double topP, Long seed, double presencePenalty,
                           double frequencyPenalty, Map<Integer, Double> logitBias, List<String> stop, int topLogprobs) {
        this(maxTokens, temperature, topP, seed, presencePenalty, frequencyPenalty, logitBias, stop, topLogprobs,
                OutputConstraint.NONE);
    }

    /** The same options with {@code constraint}. */
    public SamplingOptions with(OutputConstraint constraint) {
        return new SamplingOptions(maxTokens, temperature, topP, seed, presencePenalty, frequencyPenalty, logitBias,
                stop, topLogprobs, constraint);
    }

    /** Greedy decoding of up to {@code maxTokens}, nothing else. */
    public static SamplingOptions greedy(int maxTokens) {
        return new SamplingOptions(maxTokens, 0, 1, null, 0, 0, Map.of(), List.of(), -1);
    }
}
