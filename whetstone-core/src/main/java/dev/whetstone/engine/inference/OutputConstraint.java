package dev.whetstone.engine.inference;

import dev.whetstone.engine.inference.schema.CompiledSchema;

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
}
