package dev.whetstone.engine.torch.infer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.engine.torch.tokenizer.HfTokenizer;
import dev.whetstone.engine.torch.demo.TinyTokenizerFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streaming text: whole characters only, never a stop string, and the pieces add up to the output. */
class TextStreamTest {
    private static final String TEXT = "Grüße aus Köln 😀 — 日本語 ok\nUser: next";

    @TempDir Path dir;

    @Test
    void multiByteCharactersAreNeverSplitAndPiecesAddUpToTheText() throws Exception {
        TinyTokenizerFactory.write(dir, TinyTokenizerFactory.Flavor.CHAT);
        try (HfTokenizer tok = HfTokenizer.load(dir)) {
            int[] ids = tok.encode(TEXT, false);
            assertThat(ids.length).as("the emoji and CJK are split into byte tokens").isGreaterThan(TEXT.length() / 2);
            TextStream stream = new TextStream(tok.incrementalDecoder(true), List.of());
            List<String> pieces = new ArrayList<>();
            for (int id : ids) pieces.add(stream.push(id));
            pieces.add(stream.finish());
            pieces.forEach(p -> assertThat(p).doesNotContain("\uFFFD")
                    .satisfies(s -> assertThat(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(s)));
            assertThat(String.join("", pieces)).isEqualTo(TEXT);
            assertThat(pieces).contains("").as("some token held a partial character back");
        }
    }

    @Test
    void stopStringsAreHeldBackAndCutEvenWhenSpanningTokens() throws Exception {
        TinyTokenizerFactory.write(dir, TinyTokenizerFactory.Flavor.CHAT);
        try (HfTokenizer tok = HfTokenizer.load(dir)) {
            for (String stop : List.of("\nUser:", "ok\nU", "😀", "Köln 😀 —")) {
                TextStream stream = new TextStream(tok.incrementalDecoder(true), List.of("never-there", stop));
                StringBuilder out = new StringBuilder();
                for (int id : tok.encode(TEXT, false)) {
                    String piece = stream.push(id);
                    assertThat(piece).doesNotContain(stop);
                    out.append(piece);
                    if (stream.stopped()) break;
                }
                assertThat(stream.stopped()).as(stop).isTrue();
                assertThat(out.toString()).isEqualTo(TEXT.substring(0, TEXT.indexOf(stop)));
            }
            TextStream noStop = new TextStream(tok.incrementalDecoder(true), List.of("User: nextX"));
            StringBuilder out = new StringBuilder();
            for (int id : tok.encode(TEXT, false)) out.append(noStop.push(id));
            assertThat(out.toString()).as("a possible stop string is held").isNotEqualTo(TEXT);
            out.append(noStop.finish());
            assertThat(out.toString()).isEqualTo(TEXT);
        }
    }
}
