package dev.whetstone.server.api.inference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.engine.inference.SamplingOptions;
import dev.whetstone.error.ApiException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The fields chat and text completions share (docs/reference/API.md 6.1, 6.2), validated.
 *
 * @param maxTokens the requested limit; null for the endpoint's default
 */
record Sampling(int n, Integer maxTokens, double temperature, double topP, Long seed, double presencePenalty,
                double frequencyPenalty, Map<Integer, Double> logitBias, List<String> stop, boolean stream,
                boolean includeUsage) {
    static final int MAX_STOP = 4;

    static Sampling parse(BodyFields f) {
        Integer n = f.integer("n", 1, 128);
        Integer maxTokens = f.integer("max_tokens", 1, Integer.MAX_VALUE);
        Integer maxCompletion = f.integer("max_completion_tokens", 1, Integer.MAX_VALUE);
        Double temperature = f.number("temperature", 0, 2);
        Double topP = f.number("top_p", 0, 1);
        Double presence = f.number("presence_penalty", -2, 2);
        Double frequency = f.number("frequency_penalty", -2, 2);
        boolean stream = f.bool("stream");
        return new Sampling(n == null ? 1 : n, maxCompletion != null ? maxCompletion : maxTokens,
                temperature == null ? 1 : temperature, topP == null ? 1 : topP, f.int64("seed"),
                presence == null ? 0 : presence, frequency == null ? 0 : frequency, logitBias(f.get("logit_bias")),
                stop(f.get("stop")), stream, includeUsage(f, stream));
    }

    /** Choice {@code index} of this request: its own seed, so n choices differ yet repeat with the same seed. */
    SamplingOptions options(int maxTokens, int index, int topLogprobs) {
        return new SamplingOptions(maxTokens, temperature, topP, seed == null ? null : seed + index, presencePenalty,
                frequencyPenalty, logitBias, stop, topLogprobs);
    }

    private static boolean includeUsage(BodyFields f, boolean stream) {
        JsonNode options = f.get("stream_options");
        if (options == null) return false;
        if (!stream) {
            throw ApiException.invalid("stream_options", "'stream_options' is only allowed together with \"stream\": true.");
        }
        if (!options.isObject()) {
            throw ApiException.invalid("stream_options", "'stream_options' must be an object such as {\"include_usage\": true}.");
        }
        JsonNode include = options.get("include_usage");
        if (include == null || include.isNull()) return false;
        if (!include.isBoolean()) {
            throw ApiException.invalid("stream_options.include_usage", "'stream_options.include_usage' must be true or false.");
        }
        return include.booleanValue();
    }

    private static List<String> stop(JsonNode stop) {
        if (stop == null) return List.of();
        if (stop.isTextual()) return stop.textValue().isEmpty() ? List.of() : List.of(stop.textValue());
        String shape = "'stop' must be a string or an array of 1 to " + MAX_STOP + " strings";
        if (!stop.isArray() || stop.isEmpty() || stop.size() > MAX_STOP) {
            throw ApiException.invalid("stop", shape + ", got " + BodyFields.shown(stop) + ".");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < stop.size(); i++) {
            JsonNode s = stop.get(i);
            if (!s.isTextual() || s.textValue().isEmpty()) {
                throw ApiException.invalid("stop[" + i + "]", shape + "; stop[" + i + "] is not a non-empty string.");
            }
            out.add(s.textValue());
        }
        return out;
    }

    private static Map<Integer, Double> logitBias(JsonNode bias) {
        if (bias == null) return Map.of();
        if (!bias.isObject()) {
            throw ApiException.invalid("logit_bias", "'logit_bias' must be an object mapping token ids to a bias from -100 to 100.");
        }
        Map<Integer, Double> out = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = bias.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String param = "logit_bias." + clip(e.getKey());
            int token;
            try {
                token = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                token = -1;
            }
            if (token < 0) throw ApiException.invalid(param, "logit_bias keys must be token ids (integers ≥ 0), got '" + clip(e.getKey()) + "'.");
            JsonNode v = e.getValue();
            if (!v.isNumber() || v.doubleValue() < -100 || v.doubleValue() > 100) {
                throw ApiException.invalid(param, "A logit_bias value must be a number from -100 to 100, got " + BodyFields.shown(v) + ".");
            }
            out.put(token, v.doubleValue());
        }
        return out;
    }

    private static String clip(String s) {
        return s.length() > 20 ? s.substring(0, 20) + "…" : s;
    }
}
