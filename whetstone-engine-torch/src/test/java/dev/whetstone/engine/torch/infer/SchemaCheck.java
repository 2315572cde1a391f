package dev.whetstone.engine.torch.infer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;

/**
 * Test oracle for structured outputs, independent of the compiler and the automaton: JSON Schema validation of a
 * parsed document against the raw schema (the keywords the subset has, read as the JSON Schema spec defines them),
 * and a generator of random valid instances written with random whitespace.
 */
final class SchemaCheck {
    static final ObjectMapper JSON = new ObjectMapper();

    private SchemaCheck() { }

    static boolean valid(JsonNode v, JsonNode schema, JsonNode root) {
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").textValue();
            return valid(v, ref.equals("#") ? root : root.at(ref.substring(1)), root);
        }
        if (schema.has("anyOf")) {
            for (JsonNode o : schema.get("anyOf")) if (valid(v, o, root)) return true;
            return false;
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode e : schema.get("enum")) found |= e.equals(v);
            if (!found) return false;
        }
        if (schema.has("const") && !schema.get("const").equals(v)) return false;
        JsonNode type = schema.get("type");
        if (type == null) return true;
        boolean typed = false;
        if (type.isTextual()) typed = hasType(v, type.textValue());
        else for (JsonNode t : type) typed |= hasType(v, t.textValue());
        if (!typed) return false;
        if (v.isObject()) {
            JsonNode props = schema.path("properties");
            for (JsonNode r : schema.path("required")) if (!v.has(r.textValue())) return false;
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode p = props.get(e.getKey());
                if (p == null) {
                    if (schema.path("additionalProperties").isBoolean() && !schema.get("additionalProperties").booleanValue()) return false;
                } else if (!valid(e.getValue(), p, root)) {
                    return false;
                }
            }
        }
        if (v.isArray()) {
            if (schema.has("minItems") && v.size() < schema.get("minItems").intValue()) return false;
            if (schema.has("maxItems") && v.size() > schema.get("maxItems").intValue()) return false;
            for (JsonNode item : v) if (!valid(item, schema.get("items"), root)) return false;
        }
        return true;
    }

    private static boolean hasType(JsonNode v, String t) {
        return switch (t) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "number" -> v.isNumber();
            // JSON Schema: an integer is a number with a zero fractional part; the subset writes it without one.
            case "integer" -> v.isIntegralNumber();
            case "boolean" -> v.isBoolean();
            default -> v.isNull();
        };
    }

    /** A random instance of {@code schema}, properties in schema order; nesting stops growing past {@code depth} 4. */
    static JsonNode instance(JsonNode schema, JsonNode root, Random rnd, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").textValue();
            return instance(ref.equals("#") ? root : root.at(ref.substring(1)), root, rnd, depth);
        }
        if (schema.has("anyOf")) {
            JsonNode any = schema.get("anyOf");
            return instance(any.get(rnd.nextInt(any.size())), root, rnd, depth);
        }
        if (schema.has("enum")) return literal(schema.get("enum").get(rnd.nextInt(schema.get("enum").size())));
        if (schema.has("const")) return literal(schema.get("const"));
        JsonNode type = schema.get("type");
        String t = type.isTextual() ? type.textValue() : type.get(rnd.nextInt(type.size())).textValue();
        return switch (t) {
            case "object" -> {
                ObjectNode o = f.objectNode();
                schema.path("properties").fields().forEachRemaining(e ->
                        o.set(e.getKey(), instance(e.getValue(), root, rnd, depth + 1)));
                yield o;
            }
            case "array" -> {
                int min = schema.path("minItems").asInt(0);
                int max = schema.has("maxItems") ? schema.get("maxItems").intValue() : min + 3;
                int n = depth > 4 ? min : min + rnd.nextInt(Math.min(max, min + 3) - min + 1);
                var a = f.arrayNode();
                for (int i = 0; i < n; i++) a.add(instance(schema.get("items"), root, rnd, depth + 1));
                yield a;
            }
            case "string" -> {
                String[] pieces = {"a", "Z", " ", "é", "漢", "🚚", "\"", "\\", "\n", "/", "{", "}", ",", ":"};
                StringBuilder sb = new StringBuilder();
                for (int i = rnd.nextInt(6); i > 0; i--) sb.append(pieces[rnd.nextInt(pieces.length)]);
                yield f.textNode(sb.toString());
            }
            case "integer" -> f.numberNode(rnd.nextInt(2001) - 1000);
            case "number" -> rnd.nextBoolean() ? f.numberNode(rnd.nextInt(100) - 50)
                    : f.numberNode((rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(20) - 10));
            case "boolean" -> f.booleanNode(rnd.nextBoolean());
            default -> f.nullNode();
        };
    }

    /** Enum and const values: the subset matches them as their compact text, so the writer adds no whitespace. */
    private static final java.util.Set<JsonNode> LITERALS =
            java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));

    private static JsonNode literal(JsonNode v) {
        LITERALS.add(v);
        return v;
    }

    /** {@code v} as JSON text, in its fields' order, with 0–2 random whitespace bytes between tokens. */
    static String write(JsonNode v, Random rnd) {
        StringBuilder sb = new StringBuilder();
        write(v, rnd, sb);
        return sb.toString();
    }

    private static void write(JsonNode v, Random rnd, StringBuilder sb) {
        if (LITERALS.contains(v)) {
            sb.append(v);
        } else if (v.isObject()) {
            sb.append('{').append(ws(rnd));
            boolean first = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!first) sb.append(',').append(ws(rnd));
                first = false;
                sb.append(JsonNodeFactory.instance.textNode(e.getKey())).append(ws(rnd)).append(':').append(ws(rnd));
                write(e.getValue(), rnd, sb);
                sb.append(ws(rnd));
            }
            sb.append('}');
        } else if (v.isArray()) {
            sb.append('[').append(ws(rnd));
            for (int i = 0; i < v.size(); i++) {
                if (i > 0) sb.append(',').append(ws(rnd));
                write(v.get(i), rnd, sb);
                sb.append(ws(rnd));
            }
            sb.append(']');
        } else {
            sb.append(v); // Jackson's text: strings escaped, numbers as Java writes them
        }
    }

    private static String ws(Random rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> " ";
            case 1 -> "\n  ";
            default -> "";
        };
    }
}
