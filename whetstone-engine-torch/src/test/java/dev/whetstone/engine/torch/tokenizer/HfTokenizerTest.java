package dev.whetstone.engine.torch.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Encodings checked against the ids Hugging Face's AutoTokenizer produced (llama.cpp's test vectors). */
class HfTokenizerTest {

    @ParameterizedTest
    @CsvSource({"llama3, llama3", "qwen3, qwen2"})
    void encodesTheReferenceVectorsExactly(String fixture, String vectors) throws IOException {
        HfTokenizer tokenizer = Fixtures.tokenizer(fixture);
        JsonNode root = new ObjectMapper().readTree(Fixtures.tokenizersDir().orElseThrow()
                .resolve("test_vectors.json").toFile());
        JsonNode inputs = root.get("inputs");
        JsonNode expected = root.get("expected").get(vectors);
        assertThat(inputs.size()).isGreaterThan(40);
        for (int i = 0; i < inputs.size(); i++) {
            String text = inputs.get(i).asText();
            int[] ids = tokenizer.encode(text, false);
            assertThat(ids).as("ids of %s", text).containsExactly(ints(expected.get(i)));
            assertThat(tokenizer.decode(ids)).as("round trip of %s", text).isEqualTo(text);
        }
    }

    @Test
    void qwenWithSpecialTokensHashesAsInHuggingFace() throws Exception {
        HfTokenizer qwen = Fixtures.tokenizer("qwen3");
        JsonNode root = new ObjectMapper().readTree(Fixtures.tokenizersDir().orElseThrow()
                .resolve("test_vectors.json").toFile());
        int[] ids = qwen.encode(root.get("check_text").asText(), true);
        // Python's str(list): "[1, 2, 3]".
        String python = Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(", ", "[", "]"));
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(python.getBytes(StandardCharsets.UTF_8));
        assertThat(java.util.HexFormat.of().formatHex(digest)).isEqualTo(root.get("sha256").get("qwen2").asText());
    }

    @Test
    void readsSpecialTokensAndSizesFromTheConfig() {
        HfTokenizer llama = Fixtures.tokenizer("llama3");
        assertThat(llama.vocabSize()).isEqualTo(128_256);
        assertThat(llama.bosToken()).contains("<|begin_of_text|>");
        assertThat(llama.bosId()).hasValue(128_000);
        assertThat(llama.eosId()).hasValue(128_001);
        assertThat(llama.tokenId("<|eot_id|>")).hasValue(128_009);
        assertThat(llama.isSpecial(128_009)).isTrue();
        assertThat(llama.isSpecial(9906)).isFalse();
        assertThat(llama.token(9906)).contains("Hello");
        assertThat(llama.chatTemplate()).isPresent();

        HfTokenizer qwen = Fixtures.tokenizer("qwen3");
        assertThat(qwen.vocabSize()).isEqualTo(151_669);
        assertThat(qwen.bosToken()).isEmpty();
        assertThat(qwen.addsBos()).isFalse();
        assertThat(qwen.eosToken()).contains("<|im_end|>");
        assertThat(qwen.padId()).hasValue(151_643);
        assertThat(qwen.isSpecial(qwen.tokenId("<think>").getAsInt())).isFalse();
    }

    @Test
    void specialTokenTextBecomesOneToken() {
        HfTokenizer qwen = Fixtures.tokenizer("qwen3");
        int[] ids = qwen.encode("<|im_start|>user\nHi<|im_end|>", false);
        assertThat(ids[0]).isEqualTo(151_644);
        assertThat(ids[ids.length - 1]).isEqualTo(151_645);
        assertThat(qwen.decode(ids, true)).isEqualTo("user\nHi");
    }

    @Test
    void offsetsAreUtf16IndicesEvenAfterEmoji() {
        HfTokenizer llama = Fixtures.tokenizer("llama3");
        String text = "🦙 llamas 🚀 fly";
        HfTokenizer.Encoded encoded = llama.encodeWithOffsets(text);
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < encoded.ids().length; i++) {
            pieces.add(text.substring(encoded.starts()[i], encoded.ends()[i]));
        }
        // The emoji are three byte-level tokens sharing one span; the words after them keep their own spans.
        assertThat(pieces).containsExactly("🦙", "🦙", "🦙", " ll", "amas", " 🚀", "🚀", "🚀", " fly");
        assertThat(encoded.ends()[encoded.ids().length - 1]).isEqualTo(text.length());
    }

    private static int[] ints(JsonNode array) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = array.get(i).asInt();
        }
        return ids;
    }
}
