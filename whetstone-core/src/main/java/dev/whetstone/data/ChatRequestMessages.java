package dev.whetstone.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code messages} of a chat/completions request (docs/reference/API.md 6.1). Unlike a training example there is no weight,
 * the last message need not be the assistant's, and developer and tool roles exist. Unknown message keys are
 * ignored, as the OpenAI API does; tool calls are refused because no served model can make them. Errors name the
 * field path, such as {@code messages[2].content}.
 */
public final class ChatRequestMessages {
    public static final List<String> ROLES = List.of("system", "developer", "user", "assistant", "tool");

    private ChatRequestMessages() {}

    /** @throws InvalidExampleException naming the offending field */
    public static List<ChatMessage> parse(JsonNode messages) {
        if (messages == null || messages.isNull()) {
            throw new InvalidExampleException("messages", "messages is required: an array of {\"role\", \"content\"} objects");
        }
        if (!messages.isArray()) {
            throw new InvalidExampleException("messages", "messages must be an array of messages, found " + JsonFields.kind(messages));
        }
        if (messages.isEmpty()) throw new InvalidExampleException("messages", "messages must hold at least one message");
        List<ChatMessage> parsed = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) parsed.add(message(messages.get(i), "messages[" + i + "]"));
        return parsed;
    }

    private static ChatMessage message(JsonNode node, String path) {
        if (!node.isObject()) {
            throw new InvalidExampleException(path, "a message must be an object with role and content, found " + JsonFields.kind(node));
        }
        String role = JsonFields.role(node.get("role"), path + ".role", ROLES);
        for (String key : List.of("tool_calls", "function_call")) {
            JsonNode value = node.get(key);
            if (value != null && !value.isNull() && !(value.isArray() && value.isEmpty())) {
                throw new InvalidExampleException(path + "." + key, "tool and function calls are not supported by this "
                        + "service; send the call's result as text in a user message instead");
            }
        }
        List<ContentPart> content = ContentParts.parse(node.get("content"), path + ".content", role, false);
        if ("tool".equals(role)) JsonFields.requiredString(node, "tool_call_id", path + ".tool_call_id");
        String name = JsonFields.optionalString(node, "name", path + ".name");
        return new ChatMessage("developer".equals(role) ? "system" : role, content, null, name);
    }
}
