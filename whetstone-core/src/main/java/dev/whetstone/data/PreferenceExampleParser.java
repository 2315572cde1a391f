package dev.whetstone.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Preference lines (OpenAI's and Azure's DPO format): {@code {"input": {"messages": [...], "tools"?: [],
 * "parallel_tool_calls"?: bool}, "preferred_output": [{"role": "assistant", "content": ...}],
 * "non_preferred_output": [{"role": "assistant", "content": ...}]}}. Each error names its field path. Tool
 * definitions are refused (an empty list is fine): the engine's chat templates render none, so training on them
 * would silently drop what the user wrote.
 */
final class PreferenceExampleParser {
    static final List<String> KEYS = List.of("input", "preferred_output", "non_preferred_output");
    private static final List<String> INPUT_KEYS = List.of("messages", "tools", "parallel_tool_calls");
    private static final List<String> OUTPUT_KEYS = List.of("role", "content");

    private PreferenceExampleParser() {}

    /** Whether a line's keys say it means to be a preference pair (then its errors are this format's). */
    static boolean looksLikePreference(JsonNode root) {
        return KEYS.stream().anyMatch(root::has);
    }

    static PreferenceExample parse(JsonNode root) {
        JsonFields.rejectUnknownKeys(root, "", KEYS);
        List<ChatMessage> input = input(root.get("input"));
        ChatMessage preferred = output(root.get("preferred_output"), "preferred_output");
        ChatMessage nonPreferred = output(root.get("non_preferred_output"), "non_preferred_output");
        if (preferred.content().equals(nonPreferred.content())) {
            throw new InvalidExampleException("non_preferred_output", "preferred_output and non_preferred_output are"
                    + " identical, so the pair teaches nothing; give two different replies");
        }
        return new PreferenceExample(input, preferred, nonPreferred);
    }

    private static List<ChatMessage> input(JsonNode input) {
        if (input == null || input.isNull()) {
            throw new InvalidExampleException("input", "input is required: {\"messages\": [...]}, the conversation"
                    + " both outputs answer");
        }
        if (!input.isObject()) {
            throw new InvalidExampleException("input", "input must be an object like {\"messages\": [...]}, found "
                    + JsonFields.kind(input));
        }
        JsonFields.rejectUnknownKeys(input, "input", INPUT_KEYS);
        tools(input.get("tools"));
        JsonNode parallel = input.get("parallel_tool_calls");
        if (parallel != null && !parallel.isNull() && !parallel.isBoolean()) {
            throw new InvalidExampleException("input.parallel_tool_calls", "parallel_tool_calls must be true or false,"
                    + " found " + JsonFields.kind(parallel));
        }
        JsonNode messages = input.get("messages");
        if (messages == null || messages.isNull()) throw new InvalidExampleException("input.messages", "messages is required");
        if (!messages.isArray()) {
            throw new InvalidExampleException("input.messages", "messages must be an array of messages, found "
                    + JsonFields.kind(messages));
        }
        if (messages.isEmpty()) throw new InvalidExampleException("input.messages", "messages must not be empty");
        List<ChatMessage> parsed = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            String path = "input.messages[" + i + "]";
            ChatMessage m = ChatExampleParser.message(messages.get(i), path);
            if (m.weight() != null) {
                throw new InvalidExampleException(path + ".weight", "weight has no meaning in a preference input:"
                        + " only the preferred and non-preferred outputs are compared");
            }
            parsed.add(m);
        }
        ChatMessage last = parsed.getLast();
        if (!"user".equals(last.role())) {
            throw new InvalidExampleException("input.messages[" + (parsed.size() - 1) + "].role", "the input must end"
                    + " with a user message, which the two outputs answer; found " + last.role());
        }
        return parsed;
    }

    private static void tools(JsonNode tools) {
        if (tools == null || tools.isNull()) return;
        if (!tools.isArray()) {
            throw new InvalidExampleException("input.tools", "tools must be an array, found " + JsonFields.kind(tools));
        }
        if (!tools.isEmpty()) {
            throw new InvalidExampleException("input.tools", "tool definitions are not supported in training data"
                    + " yet (they would not reach the model); remove them or leave the list empty");
        }
    }

    /** An output: an array of exactly one assistant message. */
    private static ChatMessage output(JsonNode output, String field) {
        if (output == null || output.isNull()) {
            throw new InvalidExampleException(field, field + " is required: [{\"role\": \"assistant\", \"content\": \"...\"}]");
        }
        if (!output.isArray()) {
            throw new InvalidExampleException(field, field + " must be an array holding one assistant message, found "
                    + JsonFields.kind(output));
        }
        if (output.size() != 1) {
            throw new InvalidExampleException(field, field + " must hold exactly one assistant message, found "
                    + output.size());
        }
        String path = field + "[0]";
        JsonNode node = output.get(0);
        if (!node.isObject()) {
            throw new InvalidExampleException(path, "a message must be an object with role and content, found "
                    + JsonFields.kind(node));
        }
        JsonFields.rejectUnknownKeys(node, path, OUTPUT_KEYS);
        String role = JsonFields.role(node.get("role"), path + ".role", List.of("assistant"));
        List<ContentPart> content = ContentParts.parse(node.get("content"), path + ".content", role);
        if (content.stream().anyMatch(ContentPart.Image.class::isInstance)) {
            throw new InvalidExampleException(path + ".content", "an output must be text; images belong in the input");
        }
        return new ChatMessage(role, content, null, null);
    }
}
