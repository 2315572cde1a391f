package dev.whetstone.engine.inference;

/**
 * What a generation's text must be, enforced while decoding by masking every token that would leave the
 * language (docs/inference.md "JSON mode").
 */
public enum OutputConstraint {
    /** Any text. */
    NONE,
    /** One JSON object (RFC 8259), then the end: {@code response_format: {"type": "json_object"}}. */
    JSON_OBJECT
}
