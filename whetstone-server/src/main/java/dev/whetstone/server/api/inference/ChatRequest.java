package dev.whetstone.server.api.inference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.ChatRequestMessages;
import dev.whetstone.data.InvalidExampleException;
import dev.whetstone.data.RequestImages;
import dev.whetstone.error.ApiException;
import java.util.List;

/**
 * A validated chat/completions body (docs/reference/API.md 6.1). Unknown fields are ignored; fields that would change the answer
 * in ways this service cannot honour (tools, JSON modes, Azure On Your Data) are refused with a 400.
 *
 * @param topLogprobs what the engine is asked for: -1 without logprobs, else 0–20 alternatives
 */
record ChatRequest(List<ChatMessage> messages, Sampling sampling, boolean logprobs, int topLogprobs) {
    private static final List<String> UNSUPPORTED = List.of("tools", "functions", "data_sources", "audio", "prediction");

    static ChatRequest parse(BodyFields f) {
        for (String field : UNSUPPORTED) refuse(f, field);
        responseFormat(f.get("response_format"));
        List<ChatMessage> messages;
        try {
            messages = ChatRequestMessages.parse(f.body().get("messages"));
        } catch (InvalidExampleException e) {
            throw ApiException.invalid(e.field(), e.getMessage());
        }
        Sampling sampling = Sampling.parse(f);
        boolean logprobs = f.bool("logprobs");
        Integer top = f.integer("top_logprobs", 0, 20);
        if (top != null && !logprobs) {
            throw ApiException.invalid("top_logprobs", "'top_logprobs' requires \"logprobs\": true.");
        }
        return new ChatRequest(messages, sampling, logprobs, logprobs ? (top == null ? 0 : top) : -1);
    }

    /** 400 naming the deployment and the first image part, for a model that cannot see. */
    void requireNoImages(String deployment, String model) {
        String first = RequestImages.firstImagePath(messages);
        if (first == null) return;
        throw ApiException.invalid(first, first + " is an image, but deployment '" + deployment + "' serves '" + model
                + "', a model without vision, which cannot see images. Send text only, or deploy a vision model"
                + " (capabilities.vision in GET /models).");
    }

    private static void refuse(BodyFields f, String field) {
        JsonNode v = f.get(field);
        if (v == null || (v.isArray() && v.isEmpty())) return;
        throw ApiException.invalid(field, "'" + field + "' is not supported by this service: the served open-weight "
                + "models answer with text only. Remove the field.");
    }

    private static void responseFormat(JsonNode format) {
        if (format == null) return;
        JsonNode type = format.isObject() ? format.get("type") : null;
        if (type == null || !type.isTextual()) {
            throw ApiException.invalid("response_format", "'response_format' must be an object such as {\"type\": \"text\"}.");
        }
        switch (type.textValue()) {
            case "text" -> { }
            case "json_object", "json_schema" -> throw ApiException.invalid("response_format.type", "response_format type '"
                    + type.textValue() + "' is not supported: this service has no constrained JSON decoding. Use \"text\".");
            default -> throw ApiException.invalid("response_format.type", "Unknown response_format type '"
                    + BodyFields.shown(type) + "'; allowed: text.");
        }
    }
}
