package dev.whetstone.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code messages} of a chat/completions request (docs/reference/API.md 6.1). Unlike a training example there is no weight,
 * the last message need not be the assistant's, and developer and tool roles exist. Unknown message keys are
 * ignored, as the OpenAI API does. Earlier turns of function calling come back as the API sends them: an
 * assistant message's {@code tool_calls} (or legacy {@code function_call}), whose arguments must be a JSON
 * object's text (the template renders them as an object), and {@code tool} messages with their
 * {@code tool_call_id} (legacy {@code function} messages become tool messages). Errors name the field path, such
 * as {@code messages[2].content}.
 */
public final class ChatRequestMessages {
    public static final List<String> ROLES = List.of("system", "developer", "user", "assistant", "tool", "function");

    private ChatRequestMessages() {}

    /** @throws InvalidExampleException naming the offending field */
    public static List<ChatMessage> parse(JsonNode messages) {
        if (messages == null || messages.isNull()) {
            throw new InvalidExampleException("messages", "messages is required: an array of {\"role\", \"content\"} objects");
        }
        if (!messages.isArray()) {
            throw new InvalidExampleException("messages", "messages must be an array of messages, found " + JsonFields.kind(messages));
        }
        if (messages.isEmpty()) throw new InvalidExampleException("messages", "messages must hold at least one message");
        List<ChatMessage> parsed = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) parsed.add(message(messages.get(i), "messages[" + i + "]"));
        return parsed;
    }

    private static ChatMessage message(JsonNode node, String path) {
        if (!node.isObject()) {
            throw new InvalidExampleException(path, "a message must be an object with role and content, found " + JsonFields.kind(node));
        }
        String role = JsonFields.role(node.get("role"), path + ".role", ROLES);
        List<ToolCall> calls = "assistant".equals(role) ? calls(node, path) : List.of();
        JsonNode rawContent = node.get("content");
        List<ContentPart> content = !calls.isEmpty() && (rawContent == null || rawContent.isNull()) ? List.of()
                : ContentParts.parse(rawContent, path + ".content", "function".equals(role) ? "tool" : role, false);
        String toolCallId = "tool".equals(role) ? JsonFields.requiredString(node, "tool_call_id", path + ".tool_call_id") : null;
        String name = JsonFields.optionalString(node, "name", path + ".name");
        if ("function".equals(role) && name == null) {
            throw new InvalidExampleException(path + ".name", "name is required on a function message: the function"
                    + " whose result it carries");
        }
        String shown = switch (role) {
            case "developer" -> "system";
            case "function" -> "tool";
            default -> role;
        };
        return new ChatMessage(shown, content, null, name, calls, toolCallId);
    }

    /** An assistant message's calls: {@code tool_calls}, or the legacy {@code function_call}; empty for none. */
    private static List<ToolCall> calls(JsonNode node, String path) {
        JsonNode toolCalls = node.get("tool_calls");
        List<ToolCall> calls = new ArrayList<>();
        if (toolCalls != null && !toolCalls.isNull()) {
            if (!toolCalls.isArray()) {
                throw new InvalidExampleException(path + ".tool_calls", "tool_calls must be an array, found " + JsonFields.kind(toolCalls));
            }
            for (int k = 0; k < toolCalls.size(); k++) {
                String at = path + ".tool_calls[" + k + "]";
                JsonNode call = toolCalls.get(k);
                if (!call.isObject()) throw new InvalidExampleException(at, "a tool call must be an object, found " + JsonFields.kind(call));
                String id = JsonFields.requiredString(call, "id", at + ".id");
                JsonNode function = call.get("function");
                if (function == null || !function.isObject()) {
                    throw new InvalidExampleException(at + ".function", "function is required: an object {\"name\", \"arguments\"}");
                }
                calls.add(new ToolCall(id, JsonFields.requiredString(function, "name", at + ".function.name"),
                        arguments(function, at + ".function.arguments")));
            }
        }
        JsonNode functionCall = node.get("function_call");
        if (functionCall != null && !functionCall.isNull()) {
            if (!calls.isEmpty()) {
                throw new InvalidExampleException(path + ".function_call", "a message has either tool_calls or the legacy"
                        + " function_call, not both");
            }
            if (!functionCall.isObject()) {
                throw new InvalidExampleException(path + ".function_call", "function_call must be an object {\"name\", \"arguments\"}");
            }
            calls.add(new ToolCall(null, JsonFields.requiredString(functionCall, "name", path + ".function_call.name"),
                    arguments(functionCall, path + ".function_call.arguments")));
        }
        return calls;
    }

    private static String arguments(JsonNode function, String path) {
        String arguments = JsonFields.requiredString(function, "arguments", path);
        JsonNode parsed = ToolDefinitions.readJson(arguments);
        if (parsed == null || !parsed.isObject()) {
            throw new InvalidExampleException(path, "arguments must be the JSON text of an object, found "
                    + (parsed == null ? "text that is not JSON" : JsonFields.kind(parsed)) + ": " + JsonFields.clip(arguments));
        }
        return arguments;
    }
}
