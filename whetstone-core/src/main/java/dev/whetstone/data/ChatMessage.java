package dev.whetstone.data;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One chat turn.
 *
 * @param role    system, user or assistant in training data; inference requests add tool (developer messages
 *                arrive as system: open-weight chat templates know no developer role)
 * @param content text and image parts, in order (a plain string content is one {@link ContentPart.Text})
 * @param weight  0 or 1 on assistant messages; null when absent (then the message is trained on)
 * @param name    optional participant name (on a {@code tool} message converted from a legacy {@code function}
 *                message: the function's name)
 * @param toolCalls  the assistant's function calls, in order; empty for every other message
 * @param toolCallId on a {@code tool} message, the id of the call it answers; null elsewhere, and on answers
 *                   to a legacy {@code function_call} (which has no id)
 */
public record ChatMessage(String role, List<ContentPart> content, Integer weight, String name,
                          List<ToolCall> toolCalls, String toolCallId) {
    public ChatMessage {
        content = List.copyOf(content);
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    /** A message without tool calls. */
    public ChatMessage(String role, List<ContentPart> content, Integer weight, String name) {
        this(role, content, weight, name, List.of(), null);
    }

    public static ChatMessage text(String role, String text) {
        return new ChatMessage(role, List.of(new ContentPart.Text(text)), null, null);
    }

    /** The text parts joined; image parts are left out. */
    public String text() {
        return content.stream()
                .filter(ContentPart.Text.class::isInstance)
                .map(p -> ((ContentPart.Text) p).text())
                .collect(Collectors.joining());
    }

    /** Whether the loss counts this message's tokens: assistant turns whose weight is absent or non-zero. */
    public boolean trained() {
        return "assistant".equals(role) && (weight == null || weight != 0);
    }

    public boolean hasImages() {
        return content.stream().anyMatch(ContentPart.Image.class::isInstance);
    }
}
