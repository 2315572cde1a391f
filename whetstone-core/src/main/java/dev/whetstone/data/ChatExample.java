package dev.whetstone.data;

import java.util.List;

/**
 * {@code {"messages":[...], "tools"?: [...], "parallel_tool_calls"?: bool}}: a conversation whose assistant turns
 * (weight ≠ 0), tool calls included, are trained on.
 *
 * @param tools             the functions the conversation may call (legacy {@code functions} converted); empty for none
 * @param parallelToolCalls the line's {@code parallel_tool_calls}, or null when absent
 */
public record ChatExample(List<ChatMessage> messages, List<ToolDefinition> tools, Boolean parallelToolCalls)
        implements TrainingExample {
    public ChatExample {
        messages = List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
    }

    /** A conversation without tools. */
    public ChatExample(List<ChatMessage> messages) {
        this(messages, List.of(), null);
    }
}
