package dev.whetstone.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** {@code {"messages": [...]}} lines: roles, content, weights and names, each error naming its field path. */
final class ChatExampleParser {
    static final List<String> ROLES = List.of("system", "user", "assistant");
    private static final List<String> MESSAGE_KEYS = List.of("role", "content", "weight", "name");

    private ChatExampleParser() {}

    static ChatExample parse(JsonNode root) {
        JsonFields.rejectUnknownKeys(root, "", List.of("messages"));
        JsonNode messages = root.get("messages");
        if (!messages.isArray()) {
            throw new InvalidExampleException("messages", "messages must be an array of messages, found " + JsonFields.kind(messages));
        }
        if (messages.isEmpty()) throw new InvalidExampleException("messages", "messages must not be empty");
        List<ChatMessage> parsed = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            parsed.add(message(messages.get(i), "messages[" + i + "]"));
        }
        requireTrainedReply(parsed);
        return new ChatExample(parsed);
    }

    static ChatMessage message(JsonNode node, String path) {
        if (!node.isObject()) {
            throw new InvalidExampleException(path, "a message must be an object with role and content, found " + JsonFields.kind(node));
        }
        JsonFields.rejectUnknownKeys(node, path, MESSAGE_KEYS);
        String role = JsonFields.role(node.get("role"), path + ".role", ROLES);
        List<ContentPart> content = ContentParts.parse(node.get("content"), path + ".content", role);
        Integer weight = weight(node.get("weight"), path + ".weight", role);
        String name = JsonFields.optionalString(node, "name", path + ".name");
        return new ChatMessage(role, content, weight, name);
    }

    private static Integer weight(JsonNode weight, String path, String role) {
        if (weight == null || weight.isNull()) return null;
        if (!"assistant".equals(role)) {
            throw new InvalidExampleException(path, "weight is only allowed on assistant messages, not on " + role + " messages");
        }
        if (isNumber(weight, 0)) return 0;
        if (isNumber(weight, 1)) return 1;
        throw new InvalidExampleException(path, "weight must be 0 or 1, found " + JsonFields.clip(weight.toString()));
    }

    /** 1 and 1.0 both count: tools that write every number as a float are common. */
    private static boolean isNumber(JsonNode node, int value) {
        if (node.isIntegralNumber()) return node.bigIntegerValue().equals(BigInteger.valueOf(value));
        return node.isFloatingPointNumber() && node.doubleValue() == value;
    }

    private static void requireTrainedReply(List<ChatMessage> messages) {
        if (messages.stream().noneMatch(m -> "assistant".equals(m.role()))) {
            throw new InvalidExampleException("messages", "no assistant message; add the assistant reply the model should learn");
        }
        if (messages.stream().noneMatch(ChatMessage::trained)) {
            throw new InvalidExampleException("messages", "every assistant message has weight 0, so nothing would be learnt;"
                    + " give at least one assistant message weight 1");
        }
    }
}
