package dev.whetstone.data;

import java.util.List;

/** {@code {"messages":[...]}}: a conversation whose assistant turns (weight ≠ 0) are trained on. */
public record ChatExample(List<ChatMessage> messages) implements TrainingExample {
    public ChatExample {
        messages = List.copyOf(messages);
    }
}
