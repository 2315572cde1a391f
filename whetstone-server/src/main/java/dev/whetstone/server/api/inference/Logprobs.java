package dev.whetstone.server.api.inference;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.engine.inference.GeneratedToken;
import dev.whetstone.engine.inference.TokenLogprob;
import dev.whetstone.server.api.Json;
import java.util.List;

/** The two logprobs shapes: chat's {@code content[]} entries and the completions' parallel arrays (docs/reference/API.md 6.1, 6.2). */
final class Logprobs {
    private Logprobs() {}

    /**
     * Chat: {@code {"content": [{token, logprob, bytes, top_logprobs}], "refusal": null}}. Each token reports its own
     * bytes, also when it holds part of a character, so the content's bytes concatenate to the message's UTF-8.
     */
    static ObjectNode chat(List<GeneratedToken> tokens) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode content = out.putArray("content");
        for (GeneratedToken t : tokens) {
            ObjectNode entry = entry(content.addObject(), t.token(), t.bytes(), t.logprob());
            ArrayNode top = entry.putArray("top_logprobs");
            for (TokenLogprob alt : t.top()) entry(top.addObject(), alt.token(), alt.bytes(), alt.logprob());
        }
        out.putNull("refusal");
        return out;
    }

    /** Completions: tokens {@code from}..{@code to} of {@code state}, offsets within the choice's text. */
    static ObjectNode completion(ChoiceState state, int from, int to) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode tokens = out.putArray("tokens");
        ArrayNode logprobs = out.putArray("token_logprobs");
        ArrayNode top = out.putArray("top_logprobs");
        ArrayNode offsets = out.putArray("text_offset");
        for (int i = from; i < to; i++) {
            GeneratedToken t = state.tokens().get(i);
            tokens.add(t.token());
            number(logprobs, t.logprob());
            ObjectNode alternatives = top.addObject();
            for (TokenLogprob alt : t.top()) alternatives.put(alt.token(), finite(alt.logprob()));
            offsets.add(state.offset(i));
        }
        return out;
    }

    private static ObjectNode entry(ObjectNode entry, String token, byte[] bytes, double logprob) {
        entry.put("token", token);
        entry.put("logprob", finite(logprob));
        ArrayNode array = entry.putArray("bytes");
        if (bytes != null) for (byte b : bytes) array.add(b & 0xff);
        return entry;
    }

    private static void number(ArrayNode array, double logprob) {
        array.add(finite(logprob));
    }

    /** JSON has no NaN or infinity; a token the model found impossible gets OpenAI's floor instead. */
    private static double finite(double logprob) {
        return Double.isFinite(logprob) ? logprob : -9999.0;
    }
}
