package dev.whetstone.engine.torch.data;

/**
 * One training example as tokens.
 *
 * @param inputIds  token ids, (seq)
 * @param lossMask  true where the token is a training target (assistant/completion tokens), (seq)
 * @param truncated whether the example was cut to the context length
 */
public record TokenizedExample(int[] inputIds, boolean[] lossMask, boolean truncated) {
    public TokenizedExample {
        if (inputIds.length != lossMask.length) {
            throw new IllegalArgumentException("inputIds and lossMask differ in length: "
                    + inputIds.length + " vs " + lossMask.length);
        }
    }

    public int length() { return inputIds.length; }
}
