package dev.whetstone.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code {"messages": [...], "tools"?, "functions"?, "parallel_tool_calls"?}} lines: roles, content, weights and
 * names, and function calling (docs/fine-tuning-jobs.md "Tools in training data"), each error naming its field path.
 *
 * <p>Function calling as OpenAI's chat fine-tuning format writes it: the functions are declared once per line
 * ({@code tools}, or the legacy {@code functions}; {@link ToolDefinitions}); an assistant message calls them with
 * {@code tool_calls} ({@code [{"id", "type": "function", "function": {"name", "arguments"}}]}, arguments a JSON
 * object's text) or the legacy {@code function_call} ({@code {"name", "arguments"}}); a {@code tool} message
 * answers a call by its {@code tool_call_id}, a legacy {@code function} message by the function's {@code name}.
 * Legacy forms are converted on reading: a {@code function} message becomes a {@code tool} message with that
 * name, a {@code function_call} a tool call without id, so every chat template sees one shape.
 */
final class ChatExampleParser {
    static final List<String> ROLES = List.of("system", "user", "assistant");
    static final List<String> CHAT_ROLES = List.of("system", "user", "assistant", "tool", "function");
    private static final List<String> MESSAGE_KEYS = List.of("role", "content", "weight", "name");
    private static final List<String> CHAT_MESSAGE_KEYS = List.of("role", "content", "weight", "name", "tool_calls",
            "function_call", "tool_call_id");
    private static final List<String> LINE_KEYS = List.of("messages", "tools", "functions", "parallel_tool_calls");
    private static final List<String> CALL_KEYS = List.of("id", "type", "function");
    private static final List<String> FUNCTION_CALL_KEYS = List.of("name", "arguments");

    private ChatExampleParser() {}

    static ChatExample parse(JsonNode root) {
        JsonFields.rejectUnknownKeys(root, "", LINE_KEYS);
        JsonNode messages = root.get("messages");
        if (!messages.isArray()) {
            throw new InvalidExampleException("messages", "messages must be an array of messages, found " + JsonFields.kind(messages));
        }
        if (messages.isEmpty()) throw new InvalidExampleException("messages", "messages must not be empty");
        ToolDefinitions tools = ToolDefinitions.parse(root);
        Boolean parallel = parallelToolCalls(root.get("parallel_tool_calls"));
        Calls calls = new Calls();
        List<ChatMessage> parsed = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            parsed.add(chatMessage(messages.get(i), "messages[" + i + "]", tools, parallel, calls));
        }
        requireTrainedReply(parsed);
        return new ChatExample(parsed, tools.list(), parallel);
    }

    /** A message of a preference input or output: no tools there. */
    static ChatMessage message(JsonNode node, String path) {
        requireObject(node, path);
        JsonFields.rejectUnknownKeys(node, path, MESSAGE_KEYS);
        String role = JsonFields.role(node.get("role"), path + ".role", ROLES);
        List<ContentPart> content = ContentParts.parse(node.get("content"), path + ".content", role);
        Integer weight = weight(node.get("weight"), path + ".weight", role);
        String name = JsonFields.optionalString(node, "name", path + ".name");
        return new ChatMessage(role, content, weight, name);
    }

    private static ChatMessage chatMessage(JsonNode node, String path, ToolDefinitions tools, Boolean parallel,
                                           Calls calls) {
        requireObject(node, path);
        JsonFields.rejectUnknownKeys(node, path, CHAT_MESSAGE_KEYS);
        String role = JsonFields.role(node.get("role"), path + ".role", CHAT_ROLES);
        onlyOn(node, path, "tool_calls", role, "assistant");
        onlyOn(node, path, "function_call", role, "assistant");
        onlyOn(node, path, "tool_call_id", role, "tool");
        Integer weight = weight(node.get("weight"), path + ".weight", role);
        String name = JsonFields.optionalString(node, "name", path + ".name");
        return switch (role) {
            case "assistant" -> assistant(node, path, weight, name, tools, parallel, calls);
            case "tool" -> toolResult(node, path, name, calls);
            case "function" -> functionResult(node, path, name, tools, calls);
            default -> new ChatMessage(role, ContentParts.parse(node.get("content"), path + ".content", role), weight, name);
        };
    }

    private static ChatMessage assistant(JsonNode node, String path, Integer weight, String name,
                                         ToolDefinitions tools, Boolean parallel, Calls calls) {
        JsonNode toolCalls = present(node.get("tool_calls"));
        JsonNode functionCall = present(node.get("function_call"));
        if (toolCalls != null && functionCall != null) {
            throw new InvalidExampleException(path + ".function_call", "a message has either tool_calls or the legacy"
                    + " function_call, not both");
        }
        List<ToolCall> made = new ArrayList<>();
        if (toolCalls != null) {
            if (!toolCalls.isArray() || toolCalls.isEmpty()) {
                throw new InvalidExampleException(path + ".tool_calls", "tool_calls must be a non-empty array of calls,"
                        + " found " + (toolCalls.isArray() ? "an empty array" : JsonFields.kind(toolCalls)));
            }
            if (Boolean.FALSE.equals(parallel) && toolCalls.size() > 1) {
                throw new InvalidExampleException(path + ".tool_calls", "the line sets parallel_tool_calls to false,"
                        + " but this message makes " + toolCalls.size() + " calls at once");
            }
            for (int k = 0; k < toolCalls.size(); k++) {
                made.add(toolCall(toolCalls.get(k), path + ".tool_calls[" + k + "]", tools, calls));
            }
        } else if (functionCall != null) {
            String at = path + ".function_call";
            if (!functionCall.isObject()) {
                throw new InvalidExampleException(at, "function_call must be an object {\"name\", \"arguments\"}, found "
                        + JsonFields.kind(functionCall));
            }
            JsonFields.rejectUnknownKeys(functionCall, at, FUNCTION_CALL_KEYS);
            ToolCall call = new ToolCall(null, calledName(functionCall, at, tools),
                    arguments(functionCall.get("arguments"), at + ".arguments"));
            calls.legacyNames.add(call.name());
            made.add(call);
        }
        JsonNode content = node.get("content");
        List<ContentPart> parts = made.isEmpty() || (content != null && !content.isNull() && !isEmptyText(content))
                ? ContentParts.parse(content, path + ".content", "assistant")
                : List.of(); // a message that only calls needs no text
        return new ChatMessage("assistant", parts, weight, name, made, null);
    }

    private static ToolCall toolCall(JsonNode call, String path, ToolDefinitions tools, Calls calls) {
        if (!call.isObject()) {
            throw new InvalidExampleException(path, "a tool call must be an object {\"id\", \"type\": \"function\","
                    + " \"function\": {\"name\", \"arguments\"}}, found " + JsonFields.kind(call));
        }
        JsonFields.rejectUnknownKeys(call, path, CALL_KEYS);
        String id = JsonFields.requiredString(call, "id", path + ".id");
        if (id.isBlank()) throw new InvalidExampleException(path + ".id", "id must not be empty");
        if (!calls.ids.add(id)) {
            throw new InvalidExampleException(path + ".id", "the call id '" + JsonFields.clip(id) + "' is used twice in"
                    + " this line; each call needs its own id, which its tool message names");
        }
        String type = JsonFields.optionalString(call, "type", path + ".type");
        if (type != null && !type.equals("function")) {
            throw new InvalidExampleException(path + ".type", "unknown tool call type '" + JsonFields.clip(type)
                    + "'; allowed: function");
        }
        JsonNode function = call.get("function");
        if (function == null || !function.isObject()) {
            throw new InvalidExampleException(path + ".function", "function is required: an object {\"name\","
                    + " \"arguments\"}" + (function == null ? "" : ", found " + JsonFields.kind(function)));
        }
        JsonFields.rejectUnknownKeys(function, path + ".function", FUNCTION_CALL_KEYS);
        return new ToolCall(id, calledName(function, path + ".function", tools),
                arguments(function.get("arguments"), path + ".function.arguments"));
    }

    private static String calledName(JsonNode function, String path, ToolDefinitions tools) {
        String name = JsonFields.requiredString(function, "name", path + ".name");
        if (tools.isEmpty()) {
            throw new InvalidExampleException(path + ".name", "the message calls '" + JsonFields.clip(name) + "', but the"
                    + " line declares no tools; list the functions in a top-level \"tools\" array");
        }
        if (!tools.names().contains(name)) {
            throw new InvalidExampleException(path + ".name", "the message calls '" + JsonFields.clip(name) + "', which"
                    + " the line's " + tools.source() + " do not declare; declared: " + String.join(", ", tools.names()));
        }
        return name;
    }

    /** The arguments' JSON text: a string holding one JSON object, as the OpenAI format carries them. */
    private static String arguments(JsonNode arguments, String path) {
        if (arguments == null || arguments.isNull()) {
            throw new InvalidExampleException(path, "arguments is required: the JSON text of an object, such as \"{}\"");
        }
        if (!arguments.isTextual()) {
            throw new InvalidExampleException(path, "arguments must be a string holding JSON (the object serialised,"
                    + " such as \"{\\\"city\\\": \\\"Paris\\\"}\"), found " + JsonFields.kind(arguments));
        }
        JsonNode parsed = ToolDefinitions.readJson(arguments.textValue());
        if (parsed == null || !parsed.isObject()) {
            throw new InvalidExampleException(path, "arguments must be the JSON text of an object, found "
                    + (parsed == null ? "text that is not JSON" : JsonFields.kind(parsed)) + ": "
                    + JsonFields.clip(arguments.textValue()));
        }
        return arguments.textValue();
    }

    private static ChatMessage toolResult(JsonNode node, String path, String name, Calls calls) {
        String id = JsonFields.requiredString(node, "tool_call_id", path + ".tool_call_id");
        if (!calls.ids.contains(id)) {
            throw new InvalidExampleException(path + ".tool_call_id", "no earlier assistant message makes a call with"
                    + " id '" + JsonFields.clip(id) + "'" + (calls.ids.isEmpty() ? "" : "; calls so far: "
                    + String.join(", ", calls.ids)));
        }
        if (!calls.answered.add(id)) {
            throw new InvalidExampleException(path + ".tool_call_id", "the call '" + JsonFields.clip(id)
                    + "' is already answered by an earlier tool message");
        }
        return new ChatMessage("tool", ContentParts.parse(node.get("content"), path + ".content", "tool"), null, name,
                List.of(), id);
    }

    private static ChatMessage functionResult(JsonNode node, String path, String name, ToolDefinitions tools,
                                              Calls calls) {
        if (name == null) {
            throw new InvalidExampleException(path + ".name", "name is required on a function message: the function"
                    + " whose result it carries");
        }
        if (!calls.legacyNames.contains(name)) {
            throw new InvalidExampleException(path + ".name", "no earlier assistant message calls '"
                    + JsonFields.clip(name) + "' with function_call");
        }
        return new ChatMessage("tool", ContentParts.parse(node.get("content"), path + ".content", "tool"), null, name,
                List.of(), null);
    }

    private static Boolean parallelToolCalls(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (!v.isBoolean()) {
            throw new InvalidExampleException("parallel_tool_calls", "parallel_tool_calls must be true or false, found "
                    + JsonFields.kind(v));
        }
        return v.booleanValue();
    }

    private static void onlyOn(JsonNode node, String path, String key, String role, String allowedRole) {
        if (present(node.get(key)) != null && !role.equals(allowedRole)) {
            throw new InvalidExampleException(path + "." + key, key + " is only allowed on " + allowedRole
                    + " messages, not on " + role + " messages");
        }
    }

    private static JsonNode present(JsonNode v) {
        return v == null || v.isNull() ? null : v;
    }

    private static boolean isEmptyText(JsonNode content) {
        return content.isTextual() && content.textValue().isEmpty();
    }

    private static void requireObject(JsonNode node, String path) {
        if (!node.isObject()) {
            throw new InvalidExampleException(path, "a message must be an object with role and content, found " + JsonFields.kind(node));
        }
    }

    private static Integer weight(JsonNode weight, String path, String role) {
        if (weight == null || weight.isNull()) return null;
        if (!"assistant".equals(role)) {
            throw new InvalidExampleException(path, "weight is only allowed on assistant messages, not on " + role + " messages");
        }
        if (isNumber(weight, 0)) return 0;
        if (isNumber(weight, 1)) return 1;
        throw new InvalidExampleException(path, "weight must be 0 or 1, found " + JsonFields.clip(weight.toString()));
    }

    /** 1 and 1.0 both count: tools that write every number as a float are common. */
    private static boolean isNumber(JsonNode node, int value) {
        if (node.isIntegralNumber()) return node.bigIntegerValue().equals(BigInteger.valueOf(value));
        return node.isFloatingPointNumber() && node.doubleValue() == value;
    }

    private static void requireTrainedReply(List<ChatMessage> messages) {
        if (messages.stream().noneMatch(m -> "assistant".equals(m.role()))) {
            throw new InvalidExampleException("messages", "no assistant message; add the assistant reply the model should learn");
        }
        if (messages.stream().noneMatch(ChatMessage::trained)) {
            throw new InvalidExampleException("messages", "every assistant message has weight 0, so nothing would be learnt;"
                    + " give at least one assistant message weight 1");
        }
    }

    /** The calls seen so far in one line: ids (in order, for messages), ids answered, legacy calls' names. */
    private static final class Calls {
        final Set<String> ids = new java.util.LinkedHashSet<>();
        final Set<String> answered = new HashSet<>();
        final Set<String> legacyNames = new HashSet<>();
    }
}
