package dev.whetstone.engine.inference.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.engine.inference.OutputConstraint;
import java.util.List;

/**
 * Reads a {@code response_format} object ({@code {"type": "text" | "json_object" | "json_schema", "json_schema"?}})
 * into the {@link OutputConstraint} that decoding enforces; the schema is compiled here, so what cannot be enforced
 * is refused with its path. The one reader of the field: chat completions' {@code response_format}, a reinforcement
 * job's {@code method.reinforcement.response_format}, and that stored format read again by the job's sampler.
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
        JsonNode type = format.isObject() ? format.get("type") : null;
        if (type == null || !type.isTextual()) {
            throw new SchemaException(path, "'" + path + "' must be an object such as {\"type\": \"text\"}.");
        }
        return switch (type.textValue()) {
            case "text" -> OutputConstraint.NONE;
            case "json_object" -> OutputConstraint.JSON_OBJECT;
            case "json_schema" -> new OutputConstraint.JsonSchema(
                    JsonSchemaCompiler.compile(format.get("json_schema"), path + ".json_schema"));
            default -> throw new SchemaException(path + ".type", "Unknown " + path + " type '" + shown(type)
                    + "'; allowed: " + String.join(", ", TYPES) + ".");
        };
    }

    /** A value as the client wrote it, cut to 40 characters. */
    private static String shown(JsonNode v) {
        String s = v.toString();
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
