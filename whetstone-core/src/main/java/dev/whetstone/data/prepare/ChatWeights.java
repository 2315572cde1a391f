package dev.whetstone.data.prepare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.data.ExampleFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code weight} on chat messages: only 0 or 1 on assistant messages is allowed (an error otherwise, which the fix
 * resolves by dropping the bad weights, so those messages are trained); weight 0 is reported, since those replies
 * are context only.
 */
final class ChatWeights implements Analysis {
    @Override
    public List<Finding> analyse(Dataset data, PrepareContext context) {
        if (data.format() != ExampleFormat.CHAT) return List.of();
        Rows bad = new Rows();
        List<ObjectNode> badMessages = new ArrayList<>();
        Rows untrained = new Rows();
        for (Draft draft : data.drafts()) {
            boolean badHere = false;
            boolean zeroHere = false;
            for (JsonNode message : draft.json().path("messages")) {
                JsonNode weight = message.get("weight");
                if (weight == null || weight.isNull()) continue;
                boolean assistant = message.path("role").asText().equals("assistant");
                boolean valid = assistant && weight.isNumber() && (weight.doubleValue() == 0 || weight.doubleValue() == 1);
                if (!valid) {
                    badMessages.add((ObjectNode) message);
                    badHere = true;
                } else if (weight.doubleValue() == 0) {
                    zeroHere = true;
                }
            }
            if (badHere) bad.add(draft, "weight " + firstBad(draft));
            if (zeroHere) untrained.add(draft, RowNote.excerpt(draft.line()));
        }
        List<Finding> findings = new ArrayList<>();
        if (!bad.isEmpty()) {
            findings.add(bad.finding("chat-weights", Severity.ERROR, Rows.subject(bad.size(), data.unit(), "has", "have")
                    + " a weight other than 0 or 1, or a weight on a non-assistant message; the service refuses"
                    + " them.",
                    new Fix("Remove those weights (the messages are then trained)?",
                            d -> { badMessages.forEach(m -> m.remove("weight")); d.drafts().forEach(Draft::reparse); })));
        }
        if (!untrained.isEmpty()) {
            findings.add(untrained.finding("chat-weights", Severity.INFO, Rows.subject(untrained.size(), data.unit(), "has", "have")
                    + " assistant messages with weight 0: those replies are context and are not learnt.", null));
        }
        return findings;
    }

    private static String firstBad(Draft draft) {
        for (JsonNode message : draft.json().path("messages")) {
            JsonNode weight = message.get("weight");
            if (weight != null && !weight.isNull()) {
                boolean ok = message.path("role").asText().equals("assistant") && weight.isNumber()
                        && (weight.doubleValue() == 0 || weight.doubleValue() == 1);
                if (!ok) return weight + " on a " + message.path("role").asText("?") + " message";
            }
        }
        return "";
    }
}
