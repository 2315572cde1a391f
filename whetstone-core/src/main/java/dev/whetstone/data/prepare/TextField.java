package dev.whetstone.data.prepare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A text value inside a draft that analyses read and fixes edit: a prompt, a completion, or the text of a chat
 * message (its string content or one of its text parts), also those of a preference pair's input and replies.
 *
 * @param role   prompt, completion, system, user or assistant
 * @param holder the JSON object holding the text
 * @param key    the key of the text in {@code holder}
 */
record TextField(String role, ObjectNode holder, String key) {

    String text() { return holder.path(key).asText(""); }

    void text(String value) { holder.put(key, value); }

    /** The draft's text fields in order; values that are not strings are left out (the parser names them). */
    static List<TextField> of(Draft draft) {
        List<TextField> fields = new ArrayList<>();
        ObjectNode json = draft.json();
        for (String key : List.of("prompt", "completion")) {
            if (json.path(key).isTextual()) fields.add(new TextField(key, json, key));
        }
        List<JsonNode> messages = new ArrayList<>();
        json.path("messages").forEach(messages::add);
        json.path("input").path("messages").forEach(messages::add);        // preference pairs: the input,
        json.path("preferred_output").forEach(messages::add);               // then both replies
        json.path("non_preferred_output").forEach(messages::add);
        for (JsonNode message : messages) {
            if (!message.isObject()) continue;
            String role = message.path("role").asText("");
            JsonNode content = message.path("content");
            if (content.isTextual()) fields.add(new TextField(role, (ObjectNode) message, "content"));
            for (JsonNode part : content.isArray() ? content : List.<JsonNode>of()) {
                if (part.isObject() && part.path("text").isTextual()) fields.add(new TextField(role, (ObjectNode) part, "text"));
            }
        }
        return fields;
    }

    /** The first field of a role, or null. */
    static TextField first(Draft draft, String role) {
        return of(draft).stream().filter(f -> f.role().equals(role)).findFirst().orElse(null);
    }
}
