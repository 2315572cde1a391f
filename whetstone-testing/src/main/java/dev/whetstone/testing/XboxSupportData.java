package dev.whetstone.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whetstone.data.ChatExample;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.TrainingExample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Training data in the Azure how-to's format (an Xbox-support agent), with answers short enough that the demo
 * model's default LoRA job memorises them: the acceptance tests train on it and then ask its questions.
 */
public final class XboxSupportData {
    public static final String SYSTEM = "You are an Xbox customer support agent whose primary goal is to help users "
            + "with issues they are experiencing with their Xbox devices. You are friendly and concise.";
    /** Question and trained answer pairs. */
    public static final List<List<String>> QA = List.of(
            List.of("Is Xbox better than PlayStation?", "I cannot give personal opinions, but I can help with your Xbox."),
            List.of("Can I play PC games on my Xbox?", "Xbox consoles do not run PC games, but many Xbox games are on PC too."),
            List.of("My Xbox will not connect to Wi-Fi.", "Let us check the network settings. What happens when you connect?"));

    /** The system message of the Azure how-to's own training file (docs/reference/azure-fine-tuning-rest-howto.md). */
    public static final String HOWTO_SYSTEM = "You are an Xbox customer support agent whose primary goal is to help"
            + " users with issues they are experiencing with their Xbox devices. You are friendly and concise. You only"
            + " provide factual answers to queries, and do not provide answers that are not related to Xbox.";
    /** The how-to's three conversations, word for word: question and answer. */
    public static final List<List<String>> HOWTO_QA = List.of(
            List.of("Is Xbox better than PlayStation?", "I apologize, but I cannot provide personal opinions. My primary"
                    + " job is to assist you with any issues related to your Xbox device. Do you have any Xbox-related"
                    + " issues that need addressing?"),
            List.of("Can I play PC games on my Xbox?", "While Xbox consoles don't natively support PC games, they can"
                    + " play an array of Xbox games, many of which are also available on PC. Can I assist you with"
                    + " finding games compatible with your Xbox device?"),
            List.of("I'm having trouble connecting my Xbox to the Wi-Fi.", "No worries, let's go through the network"
                    + " settings on your Xbox. Can you please tell me what happens when you try to connect it to the"
                    + " Wi-Fi?"));

    private static final ObjectMapper JSON = new ObjectMapper();

    private XboxSupportData() {}

    public static String question(int i) { return QA.get(i).get(0); }

    public static String answer(int i) { return QA.get(i).get(1); }

    /** {@code n} conversations (system, user, assistant), cycling through the pairs. */
    public static List<TrainingExample> chatExamples(int n) {
        List<TrainingExample> data = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i % QA.size();
            data.add(new ChatExample(List.of(ChatMessage.text("system", SYSTEM), ChatMessage.text("user", question(k)),
                    ChatMessage.text("assistant", answer(k)))));
        }
        return data;
    }

    /** The how-to's three conversations repeated to {@code n} (its training file has ten lines). */
    public static List<TrainingExample> howToChatExamples(int n) {
        List<TrainingExample> data = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> qa = HOWTO_QA.get(i % HOWTO_QA.size());
            data.add(new ChatExample(List.of(ChatMessage.text("system", HOWTO_SYSTEM),
                    ChatMessage.text("user", qa.get(0)), ChatMessage.text("assistant", qa.get(1)))));
        }
        return data;
    }

    /** The same {@code n} conversations as a JSONL training file, one {@code {"messages": [...]}} per line. */
    public static String chatJsonl(int n) {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int k = i % QA.size();
            List<Map<String, String>> messages = List.of(Map.of("role", "system", "content", SYSTEM),
                    Map.of("role", "user", "content", question(k)), Map.of("role", "assistant", "content", answer(k)));
            try {
                jsonl.append(JSON.writeValueAsString(Map.of("messages", messages))).append('\n');
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return jsonl.toString();
    }
}
