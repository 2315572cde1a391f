package dev.whetstone.engine.torch.infer;

import dev.whetstone.engine.inference.TokenLogprob;
import dev.whetstone.engine.torch.tokenizer.HfTokenizer;
import java.nio.charset.StandardCharsets;

/** A token's reported text and exact bytes, for log-probabilities. */
final class TokenText {
    private final HfTokenizer tokenizer;

    TokenText(HfTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    TokenLogprob logprob(int id, double logprob) {
        byte[] bytes = tokenizer.tokenBytes(id);
        return new TokenLogprob(id, new String(bytes, StandardCharsets.UTF_8), bytes, logprob);
    }
}
