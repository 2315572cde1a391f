package dev.whetstone.engine.torch.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.engine.torch.demo.TinyTokenizerFactory;
import dev.whetstone.engine.inference.TokenLogprob;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each token's own bytes (what logprobs report): also for tokens that hold part of a character, and together they
 * are the text's UTF-8, so a client can rebuild the exact text from them.
 */
class TokenBytesTest {
    static {
        Fixtures.init();
    }

    /** Emoji, CJK, an accented letter and a euro sign: characters of 2, 3 and 4 UTF-8 bytes. */
    static final String TEXT = "Order 42 costs 5€ 😀 — 世界 naïve 🦙.";

    @TempDir
    Path temp;

    @Test
    void tinyChatTokensCarryTheirOwnBytesAlsoInsideACharacter() throws IOException {
        try (HfTokenizer tiny = HfTokenizer.load(TinyTokenizerFactory.write(temp, TinyTokenizerFactory.Flavor.CHAT))) {
            assertBytesRebuildTheText(tiny);
        }
    }

    @Test
    void llama3TokensCarryTheirOwnBytesAlsoInsideACharacter() {
        HfTokenizer llama = Fixtures.tokenizer("llama3");
        assertBytesRebuildTheText(llama);
        // The reference split of " 🦙" (F0 9F A6 99): " \xf0\x9f" + "\xa6" + "\x99".
        assertThat(llama.tokenBytes(11410)).containsExactly(0x20, 0xf0, 0x9f);
        assertThat(llama.tokenBytes(99)).containsExactly(0xa6);
        assertThat(llama.tokenBytes(247)).containsExactly(0x99);
        assertThat(TokenLogprob.render(llama.tokenBytes(11410))).isEqualTo("bytes: \\xf0\\x9f");
        assertThat(TokenLogprob.render(llama.tokenBytes(99))).isEqualTo("bytes:\\xa6");
    }

    @Test
    void qwen3TokensCarryTheirOwnBytesAlsoInsideACharacter() {
        assertBytesRebuildTheText(Fixtures.tokenizer("qwen3"));
    }

    @Test
    void renderKeepsWholeTextAndEscapesPartialCharacters() {
        assertThat(TokenLogprob.render("世界".getBytes(StandardCharsets.UTF_8))).isEqualTo("世界");
        assertThat(TokenLogprob.render(new byte[] {(byte) 0xe2, (byte) 0x80})).isEqualTo("bytes:\\xe2\\x80");
        assertThat(TokenLogprob.render(new byte[] {'a', '\\', '\n', (byte) 0xff})).isEqualTo("bytes:a\\\\\\x0a\\xff");
        assertThat(TokenLogprob.render(new byte[0])).isEmpty();
    }

    private static void assertBytesRebuildTheText(HfTokenizer tokenizer) {
        int[] ids = tokenizer.encode(TEXT, false);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        List<String> partial = new ArrayList<>();
        for (int id : ids) {
            byte[] own = tokenizer.tokenBytes(id);
            assertThat(own).as("token %d has bytes", id).isNotEmpty();
            joined.writeBytes(own);
            String rendered = TokenLogprob.render(own);
            if (rendered.startsWith("bytes:")) partial.add(rendered);
            else assertThat(rendered.getBytes(StandardCharsets.UTF_8)).isEqualTo(own);
        }
        assertThat(joined.toByteArray()).isEqualTo(TEXT.getBytes(StandardCharsets.UTF_8));
        // Byte-level BPE splits at least the emoji (none of these vocabularies has 😀 or 🦙 as one token).
        assertThat(partial).as("tokens that split a character").isNotEmpty()
                .allSatisfy(r -> assertThat(r).matches("bytes:[ -~]*\\\\x[0-9a-f]{2}.*"));
        assertThat(tokenizer.decode(ids)).isEqualTo(TEXT);
    }
}
