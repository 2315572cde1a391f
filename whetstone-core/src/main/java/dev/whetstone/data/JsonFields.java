package dev.whetstone.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;

/** Field access on a parsed JSON line that fails with the field's path and a readable reason. */
final class JsonFields {
    /** User text quoted in an error is cut here, so one bad 10 MB value cannot flood the file's status details. */
    private static final int MAX_QUOTED = 40;

    private JsonFields() {}

    static String path(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    /** Rejects keys outside {@code allowed}: a misspelt key must not silently drop data. */
    static void rejectUnknownKeys(JsonNode object, String parent, List<String> allowed) {
        for (Iterator<String> keys = object.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!allowed.contains(key)) {
                throw new InvalidExampleException(path(parent, quoteKey(key)),
                        "unknown key '" + clip(key) + "'; allowed: " + String.join(", ", allowed));
            }
        }
    }

    static String requiredString(JsonNode object, String key, String path) {
        JsonNode value = object.get(key);
        if (value == null || value.isNull()) throw new InvalidExampleException(path, key + " is required");
        return string(value, key, path);
    }

    /** Null when absent or JSON null (tools such as pandas write null for a missing optional value). */
    static String optionalString(JsonNode object, String key, String path) {
        JsonNode value = object.get(key);
        return value == null || value.isNull() ? null : string(value, key, path);
    }

    private static String string(JsonNode value, String key, String path) {
        if (!value.isTextual()) {
            throw new InvalidExampleException(path, key + " must be a string, found " + kind(value));
        }
        return value.textValue();
    }

    /** A message's role: a string, one of {@code roles}; the error lists them. */
    static String role(JsonNode role, String path, List<String> roles) {
        String allowed = "; allowed: " + String.join(", ", roles);
        if (role == null || role.isNull()) throw new InvalidExampleException(path, "role is required" + allowed);
        if (!role.isTextual()) throw new InvalidExampleException(path, "role must be a string" + allowed);
        if (!roles.contains(role.textValue())) {
            throw new InvalidExampleException(path, "unknown role '" + clip(role.textValue()) + "'" + allowed);
        }
        return role.textValue();
    }

    static String kind(JsonNode node) {
        if (node.isObject()) return "an object";
        if (node.isArray()) return "an array";
        if (node.isTextual()) return "a string";
        if (node.isNumber()) return "a number";
        if (node.isBoolean()) return "a boolean";
        return "null";
    }

    /** Cuts user text for quoting in a message and replaces control characters. */
    static String clip(String text) {
        String cut = text.length() > MAX_QUOTED ? text.substring(0, MAX_QUOTED) + "…" : text;
        StringBuilder out = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }

    /** A key used in a field path: odd or long keys are clipped so the path stays one readable token. */
    private static String quoteKey(String key) {
        boolean plain = !key.isEmpty() && key.length() <= MAX_QUOTED
                && key.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-');
        return plain ? key : "'" + clip(key) + "'";
    }
}
