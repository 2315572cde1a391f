package dev.whetstone.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The functions one chat line (or one chat/completions request) declares: {@code tools}
 * ({@code [{"type": "function", "function": {"name", "description"?, "parameters"?, "strict"?}}]}) or the legacy
 * {@code functions} ({@code [{"name", "description"?, "parameters"?}]}), never both. Names follow OpenAI's rule
 * ({@code ^[a-zA-Z0-9_-]{1,64}$}) and are unique; {@code parameters} is a JSON Schema object.
 *
 * @param source "tools" or "functions", for messages
 */
public record ToolDefinitions(List<ToolDefinition> list, String source) {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final List<String> TOOL_KEYS = List.of("type", "function");
    private static final List<String> FUNCTION_KEYS = List.of("name", "description", "parameters", "strict");
    private static final List<String> LEGACY_KEYS = List.of("name", "description", "parameters");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public ToolDefinitions {
        list = List.copyOf(list);
    }

    public static final ToolDefinitions NONE = new ToolDefinitions(List.of(), "tools");

    public boolean isEmpty() { return list.isEmpty(); }

    public List<String> names() { return list.stream().map(ToolDefinition::name).toList(); }

    /** The {@code tools} or {@code functions} of a line or request object; {@link #NONE} when it has neither. */
    public static ToolDefinitions parse(JsonNode root) {
        JsonNode tools = present(root.get("tools"));
        JsonNode functions = present(root.get("functions"));
        if (tools != null && functions != null) {
            throw new InvalidExampleException("functions", "give either tools or the legacy functions, not both");
        }
        if (tools != null) return parseList(tools, "tools", false);
        if (functions != null) return parseList(functions, "functions", true);
        return NONE;
    }

    private static ToolDefinitions parseList(JsonNode array, String key, boolean legacy) {
        if (!array.isArray()) {
            throw new InvalidExampleException(key, key + " must be an array of function definitions, found " + JsonFields.kind(array));
        }
        List<ToolDefinition> out = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String path = key + "[" + i + "]";
            JsonNode entry = array.get(i);
            if (!entry.isObject()) {
                throw new InvalidExampleException(path, "a " + (legacy ? "function" : "tool") + " must be an object, found "
                        + JsonFields.kind(entry));
            }
            ObjectNode function;
            String functionPath;
            if (legacy) {
                JsonFields.rejectUnknownKeys(entry, path, LEGACY_KEYS);
                function = (ObjectNode) entry;
                functionPath = path;
            } else {
                JsonFields.rejectUnknownKeys(entry, path, TOOL_KEYS);
                String type = JsonFields.requiredString(entry, "type", path + ".type");
                if (!type.equals("function")) {
                    throw new InvalidExampleException(path + ".type", "unknown tool type '" + JsonFields.clip(type)
                            + "'; allowed: function");
                }
                JsonNode f = entry.get("function");
                if (f == null || !f.isObject()) {
                    throw new InvalidExampleException(path + ".function", "function is required: an object {\"name\","
                            + " \"description\"?, \"parameters\"?}" + (f == null ? "" : ", found " + JsonFields.kind(f)));
                }
                JsonFields.rejectUnknownKeys(f, path + ".function", FUNCTION_KEYS);
                function = (ObjectNode) f;
                functionPath = path + ".function";
            }
            String name = JsonFields.requiredString(function, "name", functionPath + ".name");
            if (!NAME.matcher(name).matches()) {
                throw new InvalidExampleException(functionPath + ".name", "function name '" + JsonFields.clip(name)
                        + "' must be 1 to 64 letters, digits, underscores or dashes");
            }
            if (names.contains(name)) {
                throw new InvalidExampleException(functionPath + ".name", "the function '" + name + "' is declared twice");
            }
            names.add(name);
            JsonFields.optionalString(function, "description", functionPath + ".description");
            JsonNode parameters = present(function.get("parameters"));
            if (parameters != null && !parameters.isObject()) {
                throw new InvalidExampleException(functionPath + ".parameters", "parameters must be a JSON Schema object,"
                        + " found " + JsonFields.kind(parameters));
            }
            JsonNode strict = present(function.get("strict"));
            if (strict != null && !strict.isBoolean()) {
                throw new InvalidExampleException(functionPath + ".strict", "strict must be true or false, found "
                        + JsonFields.kind(strict));
            }
            out.add(new ToolDefinition(name, canonical(function)));
        }
        return new ToolDefinitions(out, key);
    }

    /**
     * {@code {"type": "function", "function": {"name", "description"?, "parameters"?, "strict"?}}} in this key order,
     * whatever order the client's JSON library wrote: the template renders the declarations into the prompt, and a
     * fine-tuned model must see the same text in serving as in its training lines (a tiny model trained on one order
     * and asked with another fails to call). The schema inside {@code parameters} is kept as written.
     */
    private static ObjectNode canonical(ObjectNode function) {
        ObjectNode f = JsonNodeFactory.instance.objectNode();
        for (String key : FUNCTION_KEYS) {
            JsonNode v = function.get(key);
            if (v != null && !v.isNull()) f.set(key, v.deepCopy());
        }
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("type", "function");
        json.set("function", f);
        return json;
    }

    /** The JSON value of {@code text}, or null when it is not exactly one JSON value. */
    static JsonNode readJson(String text) {
        try (var parser = MAPPER.createParser(text)) {
            JsonNode value = MAPPER.readTree(parser);
            if (value == null || value.isMissingNode() || parser.nextToken() != null) return null;
            return value;
        } catch (JsonProcessingException e) {
            return null;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("reading JSON from memory cannot fail", e);
        }
    }

    private static JsonNode present(JsonNode v) {
        return v == null || v.isNull() ? null : v;
    }
}
