package dev.whetstone.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A reinforcement fine-tuning prompt: {@code {"messages": [..., {"role": "user", ...}], <any other fields>}}. The
 * model writes the next (assistant) turn itself during training and a grader scores it; the line as a whole is the
 * grader's {@code item} ({@code {{item.reference_answer}}} reads a top-level field).
 *
 * @param messages the conversation, ending with the user's turn
 * @param item     the whole line (messages included), read-only by convention
 */
public record ReinforcementExample(List<ChatMessage> messages, ObjectNode item) implements TrainingExample {
    public ReinforcementExample {
        messages = List.copyOf(messages);
    }
}
