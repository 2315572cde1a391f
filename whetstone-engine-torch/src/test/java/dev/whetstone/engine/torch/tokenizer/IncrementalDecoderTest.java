package dev.whetstone.engine.torch.tokenizer;

import dev.whetstone.engine.torch.demo.TinyTokenizerFactory;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streaming decode never emits half a character, and the pieces add up to the whole text. */
class IncrementalDecoderTest {
    static {
        Fixtures.init();
    }

    @TempDir
    Path temp;

    @Test
    void holdsBackAnEmojiUntilItsLastByteToken() {
        HfTokenizer llama = Fixtures.tokenizer("llama3");
        // " this is 🦙.cpp": the llama is three byte-level tokens, 11410 99 247 (from the reference vectors).
        int[] ids = {420, 374, 11410, 99, 247, 13, 11055};
        IncrementalDecoder decoder = llama.incrementalDecoder(true);
        List<String> pieces = new ArrayList<>();
        for (int id : ids) {
            pieces.add(decoder.add(id));
        }
        assertThat(pieces).containsExactly(" this", " is", "", "", " 🦙", ".", "cpp");
        assertThat(decoder.flush()).isEmpty();
    }

    @Test
    void skipsOrKeepsSpecialTokens() {
        HfTokenizer qwen = Fixtures.tokenizer("qwen3");
        int[] ids = qwen.encode("Done.<|im_end|>", false);
        IncrementalDecoder skipping = qwen.incrementalDecoder(true);
        IncrementalDecoder keeping = qwen.incrementalDecoder(false);
        StringBuilder skipped = new StringBuilder();
        StringBuilder kept = new StringBuilder();
        for (int id : ids) {
            skipped.append(skipping.add(id));
            kept.append(keeping.add(id));
        }
        assertThat(skipped.toString()).isEqualTo("Done.");
        assertThat(kept.toString()).isEqualTo("Done.<|im_end|>");
    }

    @Test
    void piecesAreWholeCharactersAndAddUpToTheText() throws IOException {
        Path dir = TinyTokenizerFactory.write(temp, TinyTokenizerFactory.Flavor.CHAT);
        try (HfTokenizer tiny = HfTokenizer.load(dir)) {
            Random random = new Random(7);
            for (int n = 0; n < 200; n++) {
                String text = TinyTokenizerFactoryTest.randomText(random);
                IncrementalDecoder decoder = tiny.incrementalDecoder(false);
                StringBuilder streamed = new StringBuilder();
                for (int id : tiny.encode(text, false)) {
                    String piece = decoder.add(id);
                    assertThat(piece).as("piece of %s", text).doesNotContain("\uFFFD");
                    assertThat(isWellFormed(piece)).as("piece of %s", text).isTrue();
                    streamed.append(piece);
                }
                streamed.append(decoder.flush());
                assertThat(streamed.toString()).isEqualTo(text);
            }
        }
    }

    @Test
    void flushGivesTheIncompleteTailAsReplacementCharacter() throws IOException {
        Path dir = TinyTokenizerFactory.write(temp, TinyTokenizerFactory.Flavor.CHAT);
        try (HfTokenizer tiny = HfTokenizer.load(dir)) {
            IncrementalDecoder decoder = tiny.incrementalDecoder(false);
            int[] ids = tiny.encode("ok 🦙", false);
            StringBuilder streamed = new StringBuilder();
            for (int i = 0; i < ids.length - 1; i++) {
                streamed.append(decoder.add(ids[i]));
            }
            // The space before the emoji is its own byte token here; the emoji's first three bytes are held back.
            assertThat(streamed.toString()).isEqualTo("ok ");
            assertThat(decoder.flush()).isEqualTo("\uFFFD");
        }
    }

    private static boolean isWellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(++i)))) {
                return false;
            }
            if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
