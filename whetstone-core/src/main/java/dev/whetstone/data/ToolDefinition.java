package dev.whetstone.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A function the conversation may call, in the OpenAI {@code tools} form
 * {@code {"type": "function", "function": {"name", "description"?, "parameters"?, "strict"?}}} (a legacy
 * {@code functions} entry is wrapped into it). Chat templates receive {@link #json()}; its keys are in one canonical
 * order ({@link ToolDefinitions}), so {@code tool | tojson} writes the same text in training and in serving.
 */
public record ToolDefinition(String name, ObjectNode json) {
    public ToolDefinition {
        json = json.deepCopy();
    }

    @Override
    public ObjectNode json() { return json.deepCopy(); }

    /** The function's JSON Schema for its arguments, or null when it takes none. */
    public JsonNode parameters() {
        JsonNode p = json.path("function").get("parameters");
        return p == null || p.isNull() ? null : p.deepCopy();
    }
}
