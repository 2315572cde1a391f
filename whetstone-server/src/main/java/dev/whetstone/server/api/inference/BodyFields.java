package dev.whetstone.server.api.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.error.ApiException;

/**
 * Typed, range-checked reads of an inference request's top-level fields. Absent and JSON null both mean "use the
 * default" (the OpenAI schemas make every optional field nullable). Each failure names the field and what it allows.
 */
record BodyFields(ObjectNode body) {
    boolean has(String name) {
        JsonNode v = body.get(name);
        return v != null && !v.isNull();
    }

    JsonNode get(String name) { return has(name) ? body.get(name) : null; }

    Double number(String name, double min, double max) {
        JsonNode v = get(name);
        if (v == null) return null;
        if (!v.isNumber() || v.doubleValue() < min || v.doubleValue() > max) {
            throw ApiException.invalid(name, "'" + name + "' must be a number from " + plain(min) + " to " + plain(max)
                    + ", got " + shown(v) + ".");
        }
        return v.doubleValue();
    }

    Integer integer(String name, int min, int max) {
        JsonNode v = get(name);
        if (v == null) return null;
        if (!isWhole(v) || v.doubleValue() < min || v.doubleValue() > max) {
            throw ApiException.invalid(name, "'" + name + "' must be an integer from " + min + " to " + max
                    + ", got " + shown(v) + ".");
        }
        return v.intValue();
    }

    Long int64(String name) {
        JsonNode v = get(name);
        if (v == null) return null;
        if (!isWhole(v) || !v.canConvertToLong()) {
            throw ApiException.invalid(name, "'" + name + "' must be a 64-bit integer, got " + shown(v) + ".");
        }
        return v.longValue();
    }

    boolean bool(String name) {
        JsonNode v = get(name);
        if (v == null) return false;
        if (!v.isBoolean()) throw ApiException.invalid(name, "'" + name + "' must be true or false, got " + shown(v) + ".");
        return v.booleanValue();
    }

    String text(String name) {
        JsonNode v = get(name);
        if (v == null) return null;
        if (!v.isTextual()) throw ApiException.invalid(name, "'" + name + "' must be a string, got " + shown(v) + ".");
        return v.textValue();
    }

    /** 1 and 1.0 are both whole: some clients (Java's doubles) write every number with a fraction. */
    static boolean isWhole(JsonNode v) {
        return v.isIntegralNumber() || (v.isFloatingPointNumber() && v.doubleValue() == Math.rint(v.doubleValue())
                && !Double.isInfinite(v.doubleValue()));
    }

    /** A value quoted in a message, cut so a huge value cannot flood the error. */
    static String shown(JsonNode v) {
        String s = v.toString();
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
