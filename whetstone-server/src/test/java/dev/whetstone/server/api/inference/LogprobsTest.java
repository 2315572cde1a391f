package dev.whetstone.server.api.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.engine.inference.GeneratedToken;
import dev.whetstone.engine.inference.TokenLogprob;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Both logprobs shapes report each token's own bytes, also for the tokens of a character split across tokens
 * (as byte-level BPE splits "😀", F0 9F 98 80): the content's bytes rebuild the exact text.
 */
class LogprobsTest {
    /** " 😀!" as three tokens: " \xf0\x9f" and "\x98" release nothing, "\x80!" releases the whole text. */
    static final List<GeneratedToken> TOKENS = List.of(
            token(11, "", new byte[] {' ', (byte) 0xf0, (byte) 0x9f}, true),
            token(12, "", new byte[] {(byte) 0x98}, false),
            token(13, " 😀!", new byte[] {(byte) 0x80, '!'}, true));

    private static GeneratedToken token(int id, String text, byte[] bytes, boolean ownInTop) {
        byte[] alt = "alt".getBytes(StandardCharsets.UTF_8);
        List<TokenLogprob> top = ownInTop
                ? List.of(new TokenLogprob(id, TokenLogprob.render(bytes), bytes, -0.1), new TokenLogprob(99, "alt", alt, -3))
                : List.of(new TokenLogprob(99, "alt", alt, -0.5)); // the chosen token is not among the alternatives
        return new GeneratedToken(id, text, -0.1, top, bytes);
    }

    @Test
    void chatContentBytesAreEachTokensOwnAndRebuildTheText() {
        JsonNode content = Logprobs.chat(TOKENS).get("content");
        assertThat(content).hasSize(3);
        assertThat(content.get(0).get("token").asText()).isEqualTo("bytes: \\xf0\\x9f");
        assertThat(content.get(1).get("token").asText()).isEqualTo("bytes:\\x98");
        assertThat(content.get(2).get("token").asText()).isEqualTo("bytes:\\x80!");
        assertThat(ints(content.get(0).get("bytes"))).containsExactly(0x20, 0xf0, 0x9f);
        assertThat(ints(content.get(1).get("bytes"))).containsExactly(0x98);
        assertThat(ints(content.get(0).get("top_logprobs").get(0).get("bytes"))).containsExactly(0x20, 0xf0, 0x9f);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < TOKENS.size(); i++) {
            for (int b : ints(content.get(i).get("bytes"))) joined.write(b);
            text.append(TOKENS.get(i).text());
        }
        assertThat(joined.toByteArray()).isEqualTo(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void completionTokensAreRenderedTheSameWay() {
        ChoiceState state = new ChoiceState("", new CompletionGate(dev.whetstone.safety.ContentFilter.OFF));
        TOKENS.forEach(state::add);
        JsonNode logprobs = Logprobs.completion(state, 0, TOKENS.size());
        assertThat(logprobs.get("tokens")).extracting(JsonNode::asText)
                .containsExactly("bytes: \\xf0\\x9f", "bytes:\\x98", "bytes:\\x80!");
        assertThat(logprobs.get("top_logprobs").get(0).has("bytes: \\xf0\\x9f")).isTrue();
        assertThat(logprobs.get("text_offset")).extracting(JsonNode::asInt).containsExactly(0, 0, 0);
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }
}
