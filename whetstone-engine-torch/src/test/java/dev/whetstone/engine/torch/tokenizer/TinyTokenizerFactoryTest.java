package dev.whetstone.engine.torch.tokenizer;

import dev.whetstone.engine.torch.demo.TinyTokenizerFactory;
import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.data.ChatExample;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.PromptCompletionExample;
import dev.whetstone.engine.torch.data.TokenizedExample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tiny demo tokenizer: loads in the real HF tokenizers library, round-trips any text, same bytes every run. */
class TinyTokenizerFactoryTest {
    static {
        Fixtures.init();
    }

    @TempDir
    Path temp;

    @Test
    void writesTheSameBytesEveryTime() throws Exception {
        Path a = TinyTokenizerFactory.write(temp.resolve("a"), TinyTokenizerFactory.Flavor.CHAT);
        Path b = TinyTokenizerFactory.write(temp.resolve("b"), TinyTokenizerFactory.Flavor.CHAT);
        for (String file : List.of("tokenizer.json", "tokenizer_config.json")) {
            assertThat(Files.readAllBytes(a.resolve(file))).isEqualTo(Files.readAllBytes(b.resolve(file)));
        }
        // Pinned across runs and JVMs: change it only when the corpus or the trainer changes on purpose.
        assertThat(sha256(a.resolve("tokenizer.json"))).isEqualTo(
                "692c2d17ef1f71ec8f3a7c5e9de81ab9f6a1fa4f84c7717e526ae255bf2839f1");
    }

    @Test
    void vocabularyHasBytesMergesAndSpecialTokens() throws IOException {
        try (HfTokenizer tiny = load(TinyTokenizerFactory.Flavor.CHAT)) {
            assertThat(TinyTokenizerFactory.vocabSize()).isBetween(512, 1024);
            assertThat(tiny.vocabSize()).isEqualTo(TinyTokenizerFactory.vocabSize());
            int first = TinyTokenizerFactory.vocabSize() - 5;
            for (int i = 0; i < 5; i++) {
                String special = TinyTokenizerFactory.SPECIAL_TOKENS.get(i);
                assertThat(tiny.tokenId(special)).hasValue(first + i);
                assertThat(tiny.isSpecial(first + i)).isTrue();
                assertThat(tiny.encode("x" + special + "y", false)).contains(first + i);
            }
            // Merges learned from the support corpus compress support English well below one token per byte.
            String sentence = "Thank you for your order. Your refund will arrive within five business days.";
            assertThat(tiny.encode(sentence, false).length).isLessThan(sentence.length() / 3);
        }
    }

    @Test
    void roundTripsArbitraryUtf8() throws IOException {
        try (HfTokenizer tiny = load(TinyTokenizerFactory.Flavor.COMPLETION)) {
            for (String text : List.of("", "héllo wörld", "🦙🚀 emoji 😶‍🌫️", "日本語のテキスト、中文。", "\t\n \u0000\u007f",
                    "  leading and trailing  ", "Ünïcödé\u0301 combining")) {
                assertThat(tiny.decode(tiny.encode(text, false))).isEqualTo(text);
            }
            Random random = new Random(42);
            for (int n = 0; n < 300; n++) {
                String text = randomText(random);
                assertThat(tiny.decode(tiny.encode(text, false))).as("round trip of %s", text).isEqualTo(text);
            }
        }
    }

    @Test
    void chatFlavorIsChatMlEndingTurnsWithImEnd() throws IOException {
        try (HfTokenizer tiny = load(TinyTokenizerFactory.Flavor.CHAT)) {
            assertThat(tiny.eosToken()).contains(TinyTokenizerFactory.IM_END);
            assertThat(tiny.addsBos()).isFalse();
            List<ChatMessage> chat = List.of(ChatMessage.text("system", "Be brief."),
                    ChatMessage.text("user", "Where is my order?"), ChatMessage.text("assistant", "On its way 🚚."));
            assertThat(tiny.chatTemplate().orElseThrow().render(chat.subList(0, 2), true)).isEqualTo(
                    "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nWhere is my order?<|im_end|>\n"
                            + "<|im_start|>assistant\n");
            TokenizedExample example = new ExampleTokenizer(tiny, 512).tokenize(new ChatExample(chat));
            assertThat(ExampleTokenizerTest.maskedRuns(tiny, example)).containsExactly("On its way 🚚.<|im_end|>");
        }
    }

    @Test
    void completionFlavorAddsBosAndEndsWithEndOfText() throws IOException {
        try (HfTokenizer tiny = load(TinyTokenizerFactory.Flavor.COMPLETION)) {
            assertThat(tiny.chatTemplate()).isEmpty();
            assertThat(tiny.addsBos()).isTrue();
            assertThat(tiny.encode("hi", true)[0]).isEqualTo(tiny.bosId().getAsInt());
            assertThat(tiny.eosToken()).contains(TinyTokenizerFactory.END_OF_TEXT);

            TokenizedExample pc = new ExampleTokenizer(tiny, 512).tokenize(new PromptCompletionExample("Q:", " A"));
            assertThat(tiny.decode(pc.inputIds())).isEqualTo("<|begin_of_text|>Q: A<|end_of_text|>");
            assertThat(ExampleTokenizerTest.maskedRuns(tiny, pc)).containsExactly(" A<|end_of_text|>");

            TokenizedExample chat = new ExampleTokenizer(tiny, 512).tokenize(new ChatExample(List.of(
                    ChatMessage.text("user", "Hi"), ChatMessage.text("assistant", "Hello"))));
            assertThat(tiny.decode(chat.inputIds()))
                    .isEqualTo("<|begin_of_text|>User:\nHi\n\nAssistant:\nHello<|end_of_text|>\n\n");
            assertThat(ExampleTokenizerTest.maskedRuns(tiny, chat)).containsExactly("Hello<|end_of_text|>");
        }
    }

    private HfTokenizer load(TinyTokenizerFactory.Flavor flavor) throws IOException {
        return HfTokenizer.load(TinyTokenizerFactory.write(temp.resolve(flavor.name()), flavor));
    }

    /** Random code points from ASCII, Latin, CJK and the emoji planes (no lone surrogates: not valid UTF-8). */
    static String randomText(Random random) {
        int[][] ranges = {{0x20, 0x7e}, {0x09, 0x0d}, {0xa0, 0x24f}, {0x4e00, 0x9fff}, {0x1f300, 0x1faff},
                {0x0400, 0x04ff}, {0x10000, 0x10ffff}};
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(40);
        for (int i = 0; i < length; i++) {
            int[] range = ranges[random.nextInt(ranges.length)];
            int cp = range[0] + random.nextInt(range[1] - range[0] + 1);
            if (cp < 0xd800 || cp > 0xdfff) {
                text.appendCodePoint(cp);
            }
        }
        return text.toString();
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
