package dev.whetstone.engine.torch.template;

import java.lang.reflect.Array;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON written the way Python's {@code json.dumps(x, ensure_ascii=False)} writes it, which is what the
 * {@code tojson} filter of transformers' template environment produces: {@code ", "} and {@code ": "} separators
 * (or {@code ","} and {@code ": "} with an indent), non-ASCII characters kept as they are.
 */
final class PyJson {
    private PyJson() {}

    /** @param indent spaces per level, or a negative number for one line */
    static String dumps(Object value, int indent) {
        StringBuilder out = new StringBuilder();
        write(value, indent, 0, out);
        return out.toString();
    }

    private static void write(Object value, int indent, int depth, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof java.math.BigInteger) {
            out.append(value);
        } else if (value instanceof Number n) {
            out.append(floatRepr(n.doubleValue()));
        } else if (value instanceof Map<?, ?> map) {
            writeMap(map, indent, depth, out);
        } else if (value instanceof Iterable<?> iterable) {
            writeSequence(iterable.iterator(), indent, depth, out);
        } else if (value.getClass().isArray()) {
            writeSequence(java.util.stream.IntStream.range(0, Array.getLength(value))
                    .mapToObj(i -> Array.get(value, i)).iterator(), indent, depth, out);
        } else {
            writeString(value.toString(), out);
        }
    }

    private static void writeMap(Map<?, ?> map, int indent, int depth, StringBuilder out) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            separator(first, indent, depth + 1, out);
            first = false;
            writeString(String.valueOf(e.getKey()), out);
            out.append(": ");
            write(e.getValue(), indent, depth + 1, out);
        }
        close(first, indent, depth, out);
        out.append('}');
    }

    private static void writeSequence(Iterator<?> items, int indent, int depth, StringBuilder out) {
        out.append('[');
        boolean first = true;
        while (items.hasNext()) {
            separator(first, indent, depth + 1, out);
            first = false;
            write(items.next(), indent, depth + 1, out);
        }
        close(first, indent, depth, out);
        out.append(']');
    }

    private static void separator(boolean first, int indent, int depth, StringBuilder out) {
        if (!first) {
            out.append(indent < 0 ? ", " : ",");
        }
        if (indent >= 0) {
            out.append('\n').append(" ".repeat(indent * depth));
        }
    }

    private static void close(boolean empty, int indent, int depth, StringBuilder out) {
        if (!empty && indent >= 0) {
            out.append('\n').append(" ".repeat(indent * depth));
        }
    }

    private static void writeString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Python's float repr: {@code 1.0}, {@code 0.5}, {@code 1e+20}, {@code NaN}. */
    private static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e16) {
            return String.format(java.util.Locale.ROOT, "%.1f", d);
        }
        String java = Double.toString(d);
        int e = java.indexOf('E');
        if (e < 0) {
            return java;
        }
        String exponent = java.substring(e + 1);
        String mantissa = java.substring(0, e).replaceAll("\\.0$", "");
        return mantissa + "e" + (exponent.startsWith("-") ? "-" : "+")
                + String.format("%02d", Math.abs(Integer.parseInt(exponent)));
    }
}
