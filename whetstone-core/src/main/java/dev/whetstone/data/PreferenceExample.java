package dev.whetstone.data;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code {"input": {"messages": [...]}, "preferred_output": [...], "non_preferred_output": [...]}}: a conversation
 * and two assistant replies to it, the first preferred (DPO training data).
 *
 * @param input        the conversation both replies answer; its assistant turns are context, never trained
 * @param preferred    the reply the model should prefer
 * @param nonPreferred the reply it should move away from
 */
public record PreferenceExample(List<ChatMessage> input, ChatMessage preferred, ChatMessage nonPreferred)
        implements TrainingExample {
    public PreferenceExample {
        input = List.copyOf(input);
    }

    /** The conversation ending in the preferred reply (true) or the non-preferred one (false), reply trained only. */
    public ChatExample conversation(boolean preferredReply) {
        List<ChatMessage> messages = new ArrayList<>(input.size() + 1);
        for (ChatMessage m : input) {
            // weight 0 marks an earlier assistant turn as context: only the compared reply counts
            messages.add("assistant".equals(m.role()) ? new ChatMessage(m.role(), m.content(), 0, m.name()) : m);
        }
        messages.add(preferredReply ? preferred : nonPreferred);
        return new ChatExample(messages);
    }
}
