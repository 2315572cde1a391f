package dev.whetstone.server.api.inference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.ChatRequestMessages;
import dev.whetstone.data.InvalidExampleException;
import dev.whetstone.data.RequestImages;
import dev.whetstone.engine.inference.OutputConstraint;
import dev.whetstone.engine.inference.schema.ResponseFormats;
import dev.whetstone.engine.inference.schema.SchemaException;
import dev.whetstone.error.ApiException;
import java.util.List;

/**
 * A validated chat/completions body (docs/reference/API.md 6.1). Unknown fields are ignored; fields that would change the answer
 * in ways this service cannot honour (Azure On Your Data, audio, predicted outputs) are refused with a 400.
 *
 * @param topLogprobs what the engine is asked for: -1 without logprobs, else 0–20 alternatives
 * @param tools       the functions the model may call and how ({@link ToolChoice})
 * @param format      {@code response_format}: any text, one JSON object ("json_object") or one JSON object valid for
 *                    a schema ("json_schema"), the last two enforced while decoding
 */
record ChatRequest(List<ChatMessage> messages, Sampling sampling, boolean logprobs, int topLogprobs, ToolChoice tools,
                   OutputConstraint format) {
    private static final List<String> UNSUPPORTED = List.of("data_sources", "audio", "prediction");

    static ChatRequest parse(BodyFields f) {
        for (String field : UNSUPPORTED) refuse(f, field);
        OutputConstraint format = responseFormat(f.get("response_format"));
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
        ToolChoice tools = ToolChoice.parse(f);
        if (format == OutputConstraint.JSON_OBJECT) {
            // OpenAI's rule: without being asked for JSON a model in JSON mode may pad with whitespace until its limit.
            boolean mentioned = messages.stream().anyMatch(m -> m.text().toLowerCase(java.util.Locale.ROOT).contains("json"));
            if (!mentioned) {
                throw ApiException.invalid("messages", "'messages' must contain the word 'json' in some form, to use "
                        + "'response_format' of type 'json_object'.");
            }
        }
        if (format != OutputConstraint.NONE && tools.active()) {
            String type = format == OutputConstraint.JSON_OBJECT ? "json_object" : "json_schema";
            throw ApiException.invalid("response_format", "'response_format' of type '" + type + "' cannot be "
                    + "combined with tools here: the JSON constraint would forbid the model's function calls. "
                    + "Give tool_choice \"none\", or leave out one of them.");
        }
        return new ChatRequest(messages, sampling, logprobs, logprobs ? (top == null ? 0 : top) : -1, tools, format);
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

    /** Text is the default; json_schema's schema is compiled here, so an unsupported keyword is a 400 naming its path. */
    private static OutputConstraint responseFormat(JsonNode format) {
        try {
            return ResponseFormats.parse(format, "response_format");
        } catch (SchemaException e) {
            throw ApiException.invalid(e.path(), e.getMessage());
        }
    }
}
