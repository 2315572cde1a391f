package dev.whetstone.engine.torch.infer;

import dev.whetstone.engine.inference.GeneratedToken;
import dev.whetstone.engine.inference.TokenLogprob;
import dev.whetstone.engine.torch.tokenizer.HfTokenizer;
import java.util.List;

/** A token's reported text and exact bytes, for log-probabilities. */
final class TokenText {
    private final HfTokenizer tokenizer;

    TokenText(HfTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    TokenLogprob logprob(int id, double logprob) {
        byte[] bytes = tokenizer.tokenBytes(id);
        return new TokenLogprob(id, TokenLogprob.render(bytes), bytes, logprob);
    }

    /** The sampled token {@code id}, releasing {@code text}, with its own bytes (also when they split a character). */
    GeneratedToken generated(int id, String text, double logprob, List<TokenLogprob> top) {
        return new GeneratedToken(id, text, logprob, top, tokenizer.tokenBytes(id));
    }
}
