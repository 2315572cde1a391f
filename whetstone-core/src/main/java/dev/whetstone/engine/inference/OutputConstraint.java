package dev.whetstone.engine.inference;

import dev.whetstone.engine.inference.schema.CompiledSchema;
import java.util.List;

/**
 * What a generation's text must be, enforced while decoding by masking every token that would leave the
 * language (docs/inference.md "JSON mode", "Structured outputs").
 */
public sealed interface OutputConstraint {
    /** Any text. */
    OutputConstraint NONE = new Text();
    /** One JSON object (RFC 8259), then the end: {@code response_format: {"type": "json_object"}}. */
    OutputConstraint JSON_OBJECT = new JsonObject();

    /** Any text. */
    record Text() implements OutputConstraint { }

    /** One JSON object. */
    record JsonObject() implements OutputConstraint { }

    /** One JSON object valid for {@code schema}, then the end: {@code response_format: {"type": "json_schema"}}. */
    record JsonSchema(CompiledSchema schema) implements OutputConstraint { }

    /**
     * One function call, continuing a forced prefix ({@code tool_choice} "required" or named): for some function
     * {@code i}, the text {@code leads[i]} (the rest of its name and the arguments key; empty when the prefix named
     * it), then an arguments object valid for {@code arguments[i]}, then {@code end} (what closes the call), then
     * the end.
     */
    record ToolCall(List<String> leads, List<CompiledSchema> arguments, String end) implements OutputConstraint {
        public ToolCall {
            leads = List.copyOf(leads);
            arguments = List.copyOf(arguments);
            if (leads.size() != arguments.size() || leads.isEmpty()) {
                throw new IllegalArgumentException("one lead per function, at least one");
            }
        }
    }
}
