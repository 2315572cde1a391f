package dev.whetstone.engine.inference.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code response_format.json_schema} ({"name", "schema", "strict", "description"}) into a {@link CompiledSchema},
 * accepting the subset of JSON Schema that OpenAI's strict mode supports and that this service enforces while
 * decoding (docs/inference.md "Structured outputs"): objects with {@code properties} (emitted all, in schema order),
 * {@code required}, {@code additionalProperties}; string, number, integer, boolean, null; {@code enum}, {@code const};
 * arrays with {@code items}, {@code minItems}, {@code maxItems}; {@code anyOf}; type lists such as
 * ["string", "null"]; {@code $defs}/{@code definitions} with {@code $ref} (recursion allowed, nesting bounded).
 * Anything else is refused with the keyword's path, because the reply could not be guaranteed to satisfy it.
 *
 * <p>Without {@code strict: true} the same subset is enforced; optional properties and open objects are then
 * accepted too, since a reply with every property and no others is still valid for them.
 */
public final class JsonSchemaCompiler {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Keywords that describe and never constrain. */
    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "$comment", "examples", "default",
            "deprecated", "readOnly", "writeOnly");
    private static final Set<String> TYPES = Set.of("object", "array", "string", "number", "integer", "boolean", "null");
    private static final Set<String> OBJECT_KEYWORDS = Set.of("properties", "required", "additionalProperties");
    /** Schema nodes (properties, items, options…) at most: compiling is linear, the depth fixed point quadratic. */
    static final int MAX_NODES = 5000;
    private static final Set<String> ARRAY_KEYWORDS = Set.of("items", "minItems", "maxItems");

    private final String base;
    private final boolean strict;
    private final Map<String, JsonNode> definitions = new LinkedHashMap<>();
    private final Map<String, SchemaNode> compiledDefinitions = new HashMap<>();
    private final List<SchemaNode.RefNode> refs = new ArrayList<>();
    private final Map<SchemaNode.RefNode, String> refPaths = new IdentityHashMap<>();
    private final List<SchemaNode> nodes = new ArrayList<>();
    private SchemaNode.ObjectNode root;

    private JsonSchemaCompiler(String base, boolean strict) {
        this.base = base;
        this.strict = strict;
    }

    /**
     * Compiles {@code format} (the value of {@code response_format.json_schema}); {@code path} names it in errors.
     *
     * @throws SchemaException naming the offending field, e.g. {@code <path>.schema.properties.x.pattern}
     */
    public static CompiledSchema compile(JsonNode format, String path) {
        if (format == null || !format.isObject()) {
            throw new SchemaException(path, "'" + path + "' must be an object with 'name' and 'schema'.");
        }
        JsonNode name = format.get("name");
        if (name == null || !name.isTextual() || !NAME.matcher(name.textValue()).matches()) {
            throw new SchemaException(path + ".name", "'" + path + ".name' must be 1 to 64 characters of a-z, A-Z, "
                    + "0-9, underscores and dashes.");
        }
        for (Iterator<String> it = format.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("name", "schema", "strict", "description").contains(f)) {
                throw new SchemaException(path + "." + f, "Unknown field '" + f + "' in '" + path
                        + "'; allowed: name, description, schema, strict.");
            }
        }
        JsonNode strictNode = format.get("strict");
        if (strictNode != null && !strictNode.isNull() && !strictNode.isBoolean()) {
            throw new SchemaException(path + ".strict", "'" + path + ".strict' must be a boolean.");
        }
        JsonNode schema = format.get("schema");
        if (schema == null || schema.isNull()) {
            throw new SchemaException(path + ".schema", "'" + path + ".schema' is required: this service enforces "
                    + "the schema while decoding, and without one there is nothing to enforce (use {\"type\": "
                    + "\"json_object\"} for any JSON object).");
        }
        JsonSchemaCompiler c = new JsonSchemaCompiler(path + ".schema", strictNode != null && strictNode.asBoolean());
        return c.compileRoot(name.textValue(), schema);
    }

    /**
     * Compiles a function's {@code parameters} (the schema of its arguments object; null: no arguments, {@code {}}).
     *
     * @throws SchemaException naming the offending field under {@code path}
     */
    public static CompiledSchema compileParameters(String function, JsonNode parameters, String path, boolean strict) {
        JsonNode schema = parameters != null ? parameters
                : JSON.createObjectNode().put("type", "object").put("additionalProperties", false);
        return new JsonSchemaCompiler(path, strict).compileRoot(function, schema);
    }

    private CompiledSchema compileRoot(String name, JsonNode schema) {
        if (!schema.isObject()) throw new SchemaException(base, "'" + base + "' must be a JSON Schema object.");
        for (String key : List.of("$defs", "definitions")) {
            JsonNode defs = schema.get(key);
            if (defs == null) continue;
            if (!defs.isObject()) throw new SchemaException(base + "." + key, "'" + base + "." + key + "' must be an object.");
            defs.fields().forEachRemaining(e -> definitions.put("#/" + key + "/" + e.getKey(), e.getValue()));
        }
        JsonNode type = schema.get("type");
        if (type == null || !type.isTextual() || !type.textValue().equals("object") || schema.has("anyOf")
                || schema.has("$ref") || schema.has("enum") || schema.has("const")) {
            throw new SchemaException(base + ".type", "The root of '" + base + "' must be {\"type\": \"object\"} "
                    + "(as in OpenAI's structured outputs), not anyOf, $ref, enum, const or another type.");
        }
        root = (SchemaNode.ObjectNode) node(schema, base, true);
        for (Map.Entry<String, JsonNode> d : definitions.entrySet()) definition(d.getKey());
        for (SchemaNode.RefNode r : refs) {
            SchemaNode target = r.ref().equals("#") ? root : compiledDefinitions.get(r.ref());
            r.resolve(target);
        }
        for (SchemaNode.RefNode r : refs) checkNoEmptyCycle(r, new LinkedHashSet<>());
        CompiledSchema compiled = new CompiledSchema(name, root, nodes);
        if (compiled.minDepth(root) > CompiledSchema.MAX_DEPTH) {
            throw new SchemaException(base, "'" + base + "' has no instance nested at most " + CompiledSchema.MAX_DEPTH
                    + " levels deep: every way through its $refs recurses (give the recursion an optional way out, "
                    + "such as anyOf with null or an array without minItems).");
        }
        return compiled;
    }

    private SchemaNode definition(String ref) {
        SchemaNode done = compiledDefinitions.get(ref);
        if (done != null) return done;
        String path = base + "." + ref.substring(2).replace('/', '.');
        SchemaNode n = node(definitions.get(ref), path, false);
        compiledDefinitions.put(ref, n);
        return n;
    }

    /** A $ref that reaches itself through anyOf and $ref alone would never write a byte: refused. */
    private void checkNoEmptyCycle(SchemaNode n, Set<SchemaNode> seen) {
        if (n instanceof SchemaNode.RefNode r) {
            if (!seen.add(r)) {
                throw new SchemaException(refPaths.get(r), "'" + refPaths.get(r) + "' refers back to itself through "
                        + "$ref and anyOf alone, with no object or array in between.");
            }
            checkNoEmptyCycle(r.target(), seen);
            seen.remove(r);
        } else if (n instanceof SchemaNode.AnyOfNode a) {
            for (SchemaNode o : a.options()) checkNoEmptyCycle(o, seen);
        }
    }

    private <T extends SchemaNode> T add(T n) {
        if (nodes.size() == MAX_NODES) {
            throw new SchemaException(base, "'" + base + "' has more than " + MAX_NODES + " schema nodes; this service "
                    + "enforces schemas up to that size.");
        }
        nodes.add(n);
        return n;
    }

    private SchemaNode node(JsonNode s, String path, boolean isRoot) {
        if (s == null || !s.isObject()) {
            throw new SchemaException(path, "'" + path + "' must be a JSON Schema object (booleans such as true are "
                    + "not supported).");
        }
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            boolean known = ANNOTATIONS.contains(k) || OBJECT_KEYWORDS.contains(k) || ARRAY_KEYWORDS.contains(k)
                    || Set.of("type", "enum", "const", "anyOf", "$ref").contains(k)
                    || (isRoot && Set.of("$defs", "definitions", "$schema").contains(k));
            if (!known) {
                String why = Set.of("$defs", "definitions", "$schema").contains(k) ? " here: only at the root."
                        : ": structured outputs here support type, properties, required, additionalProperties, "
                        + "items, minItems, maxItems, enum, const, anyOf, $ref and $defs.";
                throw new SchemaException(path + "." + k, "Unsupported keyword '" + k + "' at '" + path + "." + k + "'" + why);
            }
        }
        if (s.has("$ref")) {
            only(s, path, "$ref");
            JsonNode ref = s.get("$ref");
            String r = ref.isTextual() ? ref.textValue() : "";
            if (!r.equals("#") && !definitions.containsKey(r)) {
                throw new SchemaException(path + ".$ref", "'" + path + ".$ref' must be \"#\" or point into the root's "
                        + "$defs (\"#/$defs/Name\"); '" + r + "' is not defined there.");
            }
            SchemaNode.RefNode n = add(new SchemaNode.RefNode(r));
            refs.add(n);
            refPaths.put(n, path + ".$ref");
            return n;
        }
        if (s.has("anyOf")) {
            only(s, path, "anyOf");
            JsonNode any = s.get("anyOf");
            if (!any.isArray() || any.isEmpty()) {
                throw new SchemaException(path + ".anyOf", "'" + path + ".anyOf' must be a non-empty array of schemas.");
            }
            List<SchemaNode> options = new ArrayList<>();
            for (int i = 0; i < any.size(); i++) options.add(node(any.get(i), path + ".anyOf[" + i + "]", false));
            return add(new SchemaNode.AnyOfNode(options));
        }
        List<String> types = types(s, path);
        for (String k : OBJECT_KEYWORDS) if (s.has(k) && !types.contains("object")) notFor(path, k, "object");
        for (String k : ARRAY_KEYWORDS) if (s.has(k) && !types.contains("array")) notFor(path, k, "array");
        if (s.has("enum") || s.has("const")) {
            String k = s.has("enum") ? "enum" : "const";
            if (s.has("enum") && s.has("const")) {
                throw new SchemaException(path + ".const", "'" + path + "' has both enum and const; give one.");
            }
            JsonNode values = s.get(k);
            if (k.equals("enum") && (!values.isArray() || values.isEmpty())) {
                throw new SchemaException(path + ".enum", "'" + path + ".enum' must be a non-empty array.");
            }
            List<byte[]> texts = new ArrayList<>();
            List<JsonNode> list = new ArrayList<>();
            if (k.equals("enum")) values.forEach(list::add); else list.add(values);
            for (int i = 0; i < list.size(); i++) {
                JsonNode v = list.get(i);
                String at = path + "." + k + (k.equals("enum") ? "[" + i + "]" : "");
                if (!types.isEmpty() && types.stream().noneMatch(t -> matches(v, t))) {
                    throw new SchemaException(at, "'" + at + "' is not of the schema's type " + types + ".");
                }
                try {
                    texts.add(JSON.writeValueAsBytes(v));
                } catch (JsonProcessingException e) {
                    throw new SchemaException(at, "'" + at + "' cannot be written as JSON.");
                }
            }
            return add(new SchemaNode.LiteralNode(texts));
        }
        if (types.isEmpty()) {
            throw new SchemaException(path, "'" + path + "' needs a 'type' (or enum, const, anyOf, $ref): a schema "
                    + "that allows any value is not supported.");
        }
        List<SchemaNode> options = new ArrayList<>();
        for (String t : types) options.add(typed(s, path, t));
        return options.size() == 1 ? options.get(0) : add(new SchemaNode.AnyOfNode(options));
    }

    private SchemaNode typed(JsonNode s, String path, String type) {
        return switch (type) {
            case "object" -> object(s, path);
            case "array" -> array(s, path);
            case "string" -> add(new SchemaNode.StringNode());
            case "number" -> add(new SchemaNode.NumberNode(false));
            case "integer" -> add(new SchemaNode.NumberNode(true));
            case "boolean" -> add(new SchemaNode.BooleanNode());
            default -> add(new SchemaNode.LiteralNode(List.of("null".getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
        };
    }

    private SchemaNode object(JsonNode s, String path) {
        JsonNode props = s.get("properties");
        List<String> names = new ArrayList<>();
        List<SchemaNode> values = new ArrayList<>();
        if (props != null) {
            if (!props.isObject()) {
                throw new SchemaException(path + ".properties", "'" + path + ".properties' must be an object.");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                names.add(e.getKey());
                values.add(node(e.getValue(), path + ".properties." + e.getKey(), false));
            }
        }
        JsonNode required = s.get("required");
        Set<String> req = new LinkedHashSet<>();
        if (required != null) {
            if (!required.isArray()) {
                throw new SchemaException(path + ".required", "'" + path + ".required' must be an array of property names.");
            }
            for (int i = 0; i < required.size(); i++) {
                JsonNode r = required.get(i);
                if (!r.isTextual() || !names.contains(r.textValue())) {
                    throw new SchemaException(path + ".required[" + i + "]", "'" + path + ".required[" + i + "]' names "
                            + "no property of 'properties'.");
                }
                req.add(r.textValue());
            }
        }
        JsonNode additional = s.get("additionalProperties");
        if (strict) {
            for (String n : names) {
                if (!req.contains(n)) {
                    throw new SchemaException(path + ".required", "With strict: true every property must be "
                            + "required; '" + path + ".required' lacks '" + n + "' (make it nullable with "
                            + "\"type\": [..., \"null\"] instead).");
                }
            }
            if (additional == null || !additional.isBoolean() || additional.booleanValue()) {
                throw new SchemaException(path + ".additionalProperties", "With strict: true '" + path
                        + ".additionalProperties' must be false.");
            }
        } else if (additional != null && !additional.isBoolean()) {
            node(additional, path + ".additionalProperties", false); // validated; the reply never has extra properties
        }
        List<byte[]> keys = new ArrayList<>();
        for (String n : names) {
            try {
                keys.add(JSON.writeValueAsBytes(n));
            } catch (JsonProcessingException e) {
                throw new SchemaException(path + ".properties", "A property name cannot be written as JSON.");
            }
        }
        return add(new SchemaNode.ObjectNode(names, values, keys));
    }

    private SchemaNode array(JsonNode s, String path) {
        JsonNode items = s.get("items");
        if (items == null) {
            throw new SchemaException(path + ".items", "'" + path + "' is an array without 'items': give the items' schema.");
        }
        int min = count(s, path, "minItems", 0);
        int max = count(s, path, "maxItems", Integer.MAX_VALUE);
        if (min > max) {
            throw new SchemaException(path + ".minItems", "'" + path + ".minItems' (" + min + ") exceeds maxItems (" + max + ").");
        }
        return add(new SchemaNode.ArrayNode(node(items, path + ".items", false), min, max));
    }

    private static int count(JsonNode s, String path, String key, int absent) {
        JsonNode v = s.get(key);
        if (v == null) return absent;
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < 0) {
            throw new SchemaException(path + "." + key, "'" + path + "." + key + "' must be a non-negative integer.");
        }
        return v.intValue();
    }

    private static List<String> types(JsonNode s, String path) {
        JsonNode t = s.get("type");
        if (t == null) return List.of();
        List<String> types = new ArrayList<>();
        if (t.isTextual()) types.add(t.textValue());
        else if (t.isArray() && !t.isEmpty()) t.forEach(x -> types.add(x.isTextual() ? x.textValue() : "?"));
        else throw new SchemaException(path + ".type", "'" + path + ".type' must be a type name or a non-empty array of them.");
        for (String x : types) {
            if (!TYPES.contains(x)) {
                throw new SchemaException(path + ".type", "Unknown type '" + x + "' at '" + path + ".type'; allowed: "
                        + "object, array, string, number, integer, boolean, null.");
            }
        }
        if (new LinkedHashSet<>(types).size() != types.size()) {
            throw new SchemaException(path + ".type", "'" + path + ".type' lists a type twice.");
        }
        return types;
    }

    private static boolean matches(JsonNode v, String type) {
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "number" -> v.isNumber();
            case "integer" -> v.isIntegralNumber();
            case "boolean" -> v.isBoolean();
            default -> v.isNull();
        };
    }

    private static void only(JsonNode s, String path, String keyword) {
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals(keyword) && !ANNOTATIONS.contains(k) && !Set.of("$defs", "definitions", "$schema").contains(k)) {
                throw new SchemaException(path + "." + k, "'" + path + "' combines " + keyword + " with '" + k
                        + "'; give " + keyword + " alone (with annotations such as description).");
            }
        }
    }

    private static void notFor(String path, String keyword, String type) {
        throw new SchemaException(path + "." + keyword, "'" + path + "." + keyword + "' applies to " + type
                + "s, but the schema's type does not include " + type + ".");
    }
}
