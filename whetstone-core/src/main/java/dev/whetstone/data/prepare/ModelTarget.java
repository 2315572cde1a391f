package dev.whetstone.data.prepare;

/**
 * The model the data is prepared for.
 *
 * @param name          the model's name, for messages; null when no model was given
 * @param chat          whether it trains on chat data (its tokenizer has a chat template); null when unknown
 * @param contextLength the most tokens of an example that training keeps (longer ones are cut)
 * @param tokens        counts tokens with the model's tokenizer, or estimates them
 */
public record ModelTarget(String name, Boolean chat, int contextLength, TokenCounter tokens) {
    /** The trainer's default sequence limit; without a model it stands in for the context length. */
    public static final int DEFAULT_CONTEXT = 2048;

    public static ModelTarget none() {
        return new ModelTarget(null, null, DEFAULT_CONTEXT, TokenCounter.ESTIMATE);
    }
}
