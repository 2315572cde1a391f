package dev.whetstone.engine.torch.infer;

import dev.whetstone.engine.torch.tokenizer.HfTokenizer;

/**
 * Every token's bytes and whether it is special, computed once per served base (V entries; for a 151 k vocabulary
 * about 1 MB; once per reinforcement run whose answers are constrained) so that constrained decoding reads arrays
 * instead of the tokenizer on each step.
 */
public final class TokenBytes {
    private final byte[][] bytes;
    private final boolean[] special;

    private TokenBytes(byte[][] bytes, boolean[] special) {
        this.bytes = bytes;
        this.special = special;
    }

    /** @param size the model's vocabulary size (logit rows); ids the tokenizer does not know get no bytes */
    public static TokenBytes of(HfTokenizer tokenizer, int size) {
        byte[][] bytes = new byte[size][];
        boolean[] special = new boolean[size];
        for (int id = 0; id < size; id++) {
            bytes[id] = tokenizer.tokenBytes(id);
            special[id] = tokenizer.isSpecial(id);
        }
        return new TokenBytes(bytes, special);
    }

    byte[] bytes(int id) { return id < bytes.length ? bytes[id] : new byte[0]; }

    boolean special(int id) { return id < special.length && special[id]; }

    int size() { return bytes.length; }
}
