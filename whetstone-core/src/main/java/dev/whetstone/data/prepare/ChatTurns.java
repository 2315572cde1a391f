package dev.whetstone.data.prepare;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.data.ExampleFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * Chat conversations: a missing assistant turn (an error: nothing to learn), and roles out of the usual order
 * (system first if at all, then user and assistant taking turns, ending with the assistant), which many chat
 * templates refuse and which otherwise trains replies to nothing.
 */
final class ChatTurns implements Analysis {
    @Override
    public List<Finding> analyse(Dataset data, PrepareContext context) {
        if (data.format() != ExampleFormat.CHAT) return List.of();
        Rows missing = new Rows();
        Rows order = new Rows();
        for (Draft draft : data.drafts()) {
            List<String> roles = new ArrayList<>();
            for (JsonNode message : draft.json().path("messages")) roles.add(message.path("role").asText("?"));
            if (!roles.contains("assistant")) missing.add(draft, "roles: " + String.join(", ", roles));
            else if (!usualOrder(roles)) order.add(draft, "roles: " + String.join(", ", roles));
        }
        List<Finding> findings = new ArrayList<>();
        if (!missing.isEmpty()) {
            findings.add(missing.finding("chat-turns", Severity.ERROR, Rows.subject(missing.size(), data.unit(), "has", "have")
                    + " no assistant turn; the service refuses them, as the assistant's reply is what is learnt.",
                    missing.removal(Rows.removeQuestion(missing.size(), data.unit()))));
        }
        if (!order.isEmpty()) {
            findings.add(order.finding("chat-turns", Severity.WARNING, Rows.subject(order.size(), data.unit(), "has", "have")
                    + " roles out of order; expected an optional system message first, then user and assistant"
                    + " taking turns, ending with the assistant. Many chat templates refuse other orders.",
                    order.removal(Rows.removeQuestion(order.size(), data.unit()))));
        }
        return findings;
    }

    static boolean usualOrder(List<String> roles) {
        int start = !roles.isEmpty() && roles.getFirst().equals("system") ? 1 : 0;
        if (roles.size() - start < 2 || !roles.getLast().equals("assistant")) return false;
        for (int i = start; i < roles.size(); i++) {
            if (!roles.get(i).equals((i - start) % 2 == 0 ? "user" : "assistant")) return false;
        }
        return true;
    }
}
