package dev.whetstone.engine.inference.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.engine.inference.OutputConstraint;
import java.util.List;

/**
 * Reads a {@code response_format} object ({@code {"type": "text" | "json_object" | "json_schema", "json_schema"?}})
 * into the {@link OutputConstraint} that decoding enforces; the schema is compiled here, so what cannot be enforced
 * is refused with its path. Used where a stored format is read again (a reinforcement job's sampler) and where a
 * request gives one outside chat completions (a reinforcement job's {@code method.reinforcement.response_format}).
 */
public final class ResponseFormats {
    private static final List<String> TYPES = List.of("text", "json_object", "json_schema");

    private ResponseFormats() {}

    /**
     * @param format the {@code response_format} value; null means text
     * @param path   its place in the request, e.g. {@code method.reinforcement.response_format}
     * @throws SchemaException naming the offending field
     */
    public static OutputConstraint parse(JsonNode format, String path) {
        if (format == null || format.isNull()) return OutputConstraint.NONE;
        if (!format.isObject()) {
            throw new SchemaException(path, "'" + path + "' must be an object such as {\"type\": \"json_schema\", ...}.");
        }
        JsonNode type = format.get("type");
        if (type == null || !type.isTextual() || !TYPES.contains(type.textValue())) {
            throw new SchemaException(path + ".type", "'" + path + ".type' must be one of " + TYPES + ".");
        }
        return switch (type.textValue()) {
            case "json_object" -> OutputConstraint.JSON_OBJECT;
            case "json_schema" -> new OutputConstraint.JsonSchema(
                    JsonSchemaCompiler.compile(format.get("json_schema"), path + ".json_schema"));
            default -> OutputConstraint.NONE;
        };
    }
}
