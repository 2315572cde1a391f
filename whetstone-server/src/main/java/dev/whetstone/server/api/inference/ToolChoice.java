package dev.whetstone.server.api.inference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.data.InvalidExampleException;
import dev.whetstone.data.ToolDefinitions;
import dev.whetstone.error.ApiException;

/**
 * A chat request's function calling (docs/inference.md "Tools"): the declared functions ({@code tools}, or the
 * legacy {@code functions}), whether and which to call ({@code tool_choice}: {@code "none"}, {@code "auto"},
 * {@code "required"}, {@code {"type": "function", "function": {"name"}}}; legacy {@code function_call}:
 * {@code "none"}, {@code "auto"}, {@code {"name"}}), and {@code parallel_tool_calls}.
 *
 * @param function the function a named choice requires; null otherwise
 */
record ToolChoice(ToolDefinitions tools, Mode mode, String function, boolean parallel) {
    enum Mode { NONE, AUTO, REQUIRED, NAMED }

    static final ToolChoice NO_TOOLS = new ToolChoice(ToolDefinitions.NONE, Mode.NONE, null, true);

    /** Whether the reply is read for calls (tools given and not {@code "none"}). */
    boolean active() { return !tools.isEmpty() && mode != Mode.NONE; }

    static ToolChoice parse(BodyFields f) {
        ToolDefinitions tools;
        try {
            tools = ToolDefinitions.parse(f.body());
        } catch (InvalidExampleException e) {
            throw ApiException.invalid(e.field(), e.getMessage());
        }
        boolean legacy = "functions".equals(tools.source()) && !tools.isEmpty();
        String choiceField = f.get("tool_choice") != null || !legacy ? "tool_choice" : "function_call";
        if (f.get("tool_choice") != null && f.get("function_call") != null) {
            throw ApiException.invalid("function_call", "Give either 'tool_choice' or the legacy 'function_call', not both.");
        }
        JsonNode choice = f.get("tool_choice") != null ? f.get("tool_choice") : f.get("function_call");
        JsonNode parallel = f.get("parallel_tool_calls");
        if (parallel != null && !parallel.isBoolean()) {
            throw ApiException.invalid("parallel_tool_calls", "'parallel_tool_calls' must be true or false, got "
                    + BodyFields.shown(parallel) + ".");
        }
        boolean parallelCalls = parallel == null || parallel.booleanValue();
        Mode mode = tools.isEmpty() ? Mode.NONE : Mode.AUTO;
        String function = null;
        if (choice != null) {
            if (choice.isTextual()) {
                mode = switch (choice.textValue()) {
                    case "none" -> Mode.NONE;
                    case "auto" -> Mode.AUTO;
                    case "required" -> {
                        if (!choiceField.equals("tool_choice")) throw unknownChoice(choiceField, choice);
                        yield Mode.REQUIRED;
                    }
                    default -> throw unknownChoice(choiceField, choice);
                };
            } else if (choice.isObject()) {
                JsonNode name = choiceField.equals("tool_choice") ? choice.path("function").get("name") : choice.get("name");
                if (choiceField.equals("tool_choice") && !"function".equals(choice.path("type").asText(null))) {
                    throw ApiException.invalid("tool_choice.type", "'tool_choice.type' must be \"function\", got "
                            + BodyFields.shown(choice.get("type")) + ".");
                }
                String param = choiceField.equals("tool_choice") ? "tool_choice.function.name" : "function_call.name";
                if (name == null || !name.isTextual()) {
                    throw ApiException.invalid(param, "'" + param + "' must name the function to call.");
                }
                if (!tools.names().contains(name.textValue())) {
                    throw ApiException.invalid(param, "'" + param + "' names '" + name.textValue() + "', which is not "
                            + (tools.isEmpty() ? "declared: the request has no tools." : "among the declared functions: "
                            + String.join(", ", tools.names()) + "."));
                }
                mode = Mode.NAMED;
                function = name.textValue();
            } else {
                throw unknownChoice(choiceField, choice);
            }
            if (tools.isEmpty() && mode == Mode.REQUIRED) {
                throw ApiException.invalid(choiceField, "'" + choiceField + "' is \"required\", but the request has no"
                        + " 'tools' to call.");
            }
        }
        return new ToolChoice(tools, tools.isEmpty() ? Mode.NONE : mode, function, parallelCalls);
    }

    private static ApiException unknownChoice(String field, JsonNode choice) {
        String allowed = field.equals("tool_choice")
                ? "\"none\", \"auto\", \"required\" or {\"type\": \"function\", \"function\": {\"name\": …}}"
                : "\"none\", \"auto\" or {\"name\": …}";
        return ApiException.invalid(field, "'" + field + "' must be " + allowed + ", got " + BodyFields.shown(choice) + ".");
    }
}
