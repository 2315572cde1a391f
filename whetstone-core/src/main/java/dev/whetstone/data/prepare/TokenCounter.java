package dev.whetstone.data.prepare;

import dev.whetstone.data.TokenEstimate;
import dev.whetstone.data.TrainingExample;

/** Counts the tokens of an example as training will see them. */
public interface TokenCounter {
    /**
     * @throws RefusedException when the example cannot be tokenized (a chat template refuses the conversation)
     */
    long count(TrainingExample example);

    /** True for a real tokenizer, false for the estimate. */
    boolean exact();

    /** The core's rough estimate (about four characters a token), used when no model is given. */
    TokenCounter ESTIMATE = new TokenCounter() {
        @Override public long count(TrainingExample example) { return TokenEstimate.of(example); }

        @Override public boolean exact() { return false; }
    };

    /** An example the tokenizer or chat template refuses; the message says why. */
    final class RefusedException extends RuntimeException {
        public RefusedException(String message) { super(message); }
    }
}
