package dev.whetstone.engine.torch.tokenizer;

import dev.whetstone.data.ChatMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each trained assistant message's content lies in a conversation rendered by its chat template.
 *
 * <p>Found by difference, so it works for any template without knowing its markup: the conversation is rendered
 * again with that one message's content replaced by a probe text; the rendered text before the first difference
 * and after the last one is template markup and other messages. Rendering prefixes {@code messages[0..i]} instead
 * would not do: some templates render a message differently when it is the last one (Qwen3 adds an empty
 * {@code <think>} block to the final answer; the Llama-3 base template always appends an assistant header).
 *
 * <p>The probe is a private-use character, U+E000: a probe sharing its first or last character with the content
 * would stretch the common prefix or suffix into the content. When the content does contain U+E000, a second probe
 * U+E001 is rendered too; two probes that differ from each other are each exact at some end, and the widest span is
 * the content.
 *
 * <p>A message with tool calls is probed with its calls removed as well, so its span covers the text and every
 * call as the template writes them ({@code <tool_call>…</tool_call>}, Llama's JSON): the loss covers calls as it
 * covers text.
 */
final class ContentSpans {
    private static final String PROBE = "\uE000";
    private static final String SECOND_PROBE = "\uE001";

    private ContentSpans() {}

    /** A {@code [start, end)} range of the rendered text (UTF-16 indices). */
    record Span(int start, int end) {}

    /** Spans of the trained messages' contents in {@code rendered}, in message order. */
    static List<Span> ofTrainedMessages(ChatTemplate template, List<ChatMessage> messages, String rendered,
                                        Map<String, Object> variables) {
        List<Map<String, Object>> maps = messages.stream().map(template::toMap).toList();
        List<Span> spans = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).trained()) {
                Span span = locate(template, maps, i, messages.get(i).text(), rendered, variables);
                if (span != null) {
                    spans.add(span);
                }
            }
        }
        return spans;
    }

    /** The content span of message {@code index}, or null when the template does not render its content. */
    private static Span locate(ChatTemplate template, List<Map<String, Object>> maps, int index, String content,
                               String rendered, Map<String, Object> variables) {
        int start = Integer.MAX_VALUE;
        int end = -1;
        List<String> probes = content.contains(PROBE) ? List.of(PROBE, SECOND_PROBE) : List.of(PROBE);
        for (String probe : probes) {
            List<Map<String, Object>> probed = new ArrayList<>(maps);
            Map<String, Object> message = new LinkedHashMap<>(maps.get(index));
            message.put("content", template.probeContent(probe));
            message.remove("tool_calls");
            probed.set(index, message);
            String other = template.render(probed, false, variables);
            if (other.equals(rendered)) {
                continue; // the content is the probe itself; the other probe differs from it
            }
            int prefix = commonPrefix(rendered, other);
            int suffix = commonSuffix(rendered, other, Math.min(rendered.length(), other.length()) - prefix);
            start = Math.min(start, prefix);
            end = Math.max(end, rendered.length() - suffix);
        }
        return end < 0 ? null : new Span(start, end);
    }

    private static int commonPrefix(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }

    private static int commonSuffix(String a, String b, int limit) {
        int i = 0;
        while (i < limit && a.charAt(a.length() - 1 - i) == b.charAt(b.length() - 1 - i)) {
            i++;
        }
        return i;
    }
}
