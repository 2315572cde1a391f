package dev.whetstone.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reinforcement fine-tuning lines (OpenAI's RFT format): {@code messages} ending with a user turn, the prompt the
 * model answers during training; every other top-level field is data for the grader ({@code item}). Messages are
 * checked as in chat files (roles, content, names), with the {@code developer} role allowed (it becomes
 * {@code system}, which open-weight chat templates know) and no {@code weight} (there is no reply to weigh).
 */
final class ReinforcementExampleParser {
    static final List<String> ROLES = List.of("system", "developer", "user", "assistant");

    private ReinforcementExampleParser() {}

    /**
     * Whether a {@code messages} line is a prompt to answer rather than a chat to learn: its last message is the
     * user's, and either no assistant turn precedes it or the line carries grader fields beside {@code messages}.
     * A chat example may legally end with a user turn after a trained reply ({@code [user, assistant, user]}), so
     * such a line without other fields stays a chat example.
     */
    static boolean looksLikeReinforcement(JsonNode root) {
        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) return false;
        JsonNode last = messages.get(messages.size() - 1);
        if (!last.isObject() || !last.path("role").isTextual() || !last.get("role").asText().equals("user")) return false;
        if (root.size() > 1) return true;
        for (JsonNode m : messages) if (m.isObject() && "assistant".equals(m.path("role").asText(null))) return false;
        return true;
    }

    static ReinforcementExample parse(JsonNode root) {
        JsonNode messages = root.get("messages");
        List<ChatMessage> parsed = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            String path = "messages[" + i + "]";
            JsonNode node = messages.get(i);
            if (!node.isObject()) {
                throw new InvalidExampleException(path, "a message must be an object with role and content, found " + JsonFields.kind(node));
            }
            JsonFields.rejectUnknownKeys(node, path, List.of("role", "content", "name"));
            String role = JsonFields.role(node.get("role"), path + ".role", ROLES);
            String asTemplateRole = "developer".equals(role) ? "system" : role;
            List<ContentPart> content = ContentParts.parse(node.get("content"), path + ".content", asTemplateRole);
            String name = JsonFields.optionalString(node, "name", path + ".name");
            parsed.add(new ChatMessage(asTemplateRole, content, null, name));
        }
        return new ReinforcementExample(parsed, ((ObjectNode) root).deepCopy());
    }
}
