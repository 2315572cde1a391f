package dev.whetstone.engine.torch.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.data.ChatExample;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.ContentPart;
import dev.whetstone.data.PromptCompletionExample;
import dev.whetstone.engine.torch.data.TokenizedExample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Loss masks on the real Llama-3 and Qwen3 tokenizers: exactly the trained assistant turns and their end. */
class ExampleTokenizerTest {
    private static final ChatExample CONVERSATION = new ChatExample(List.of(
            ChatMessage.text("system", "You are a support agent."),
            ChatMessage.text("user", "My order #1234 hasn't arrived."),
            new ChatMessage("assistant", List.of(new ContentPart.Text("Old answer, not trained.")), 0, null),
            ChatMessage.text("user", "Still nothing?"),
            new ChatMessage("assistant", List.of(new ContentPart.Text("  Sorry! It ships today 🚚, 谢谢.  ")), 1, null),
            ChatMessage.text("user", "Thanks."),
            ChatMessage.text("assistant", "You're welcome.\n\nAnything else?")));

    @Test
    void llama3MasksTrainedContentAndEndOfTurn() {
        HfTokenizer llama = Fixtures.tokenizer("llama3");
        TokenizedExample example = new ExampleTokenizer(llama, 4096).tokenize(CONVERSATION);

        // The Llama-3 template trims content.
        assertThat(maskedRuns(llama, example)).containsExactly(
                "Sorry! It ships today 🚚, 谢谢.<|eot_id|>",
                "You're welcome.\n\nAnything else?<|eot_id|>");
        assertThat(example.truncated()).isFalse();
        assertThat(example.inputIds()[0]).isEqualTo(llama.bosId().getAsInt());
        assertThat(llama.decode(example.inputIds()))
                .isEqualTo(llama.chatTemplate().orElseThrow().render(CONVERSATION.messages(), false));
    }

    /** A reinforcement prompt is what inference renders before the answer: the generation prompt, nothing trained. */
    @Test
    void aReinforcementPromptEndsWithTheGenerationPromptAndTrainsNothing() {
        HfTokenizer llama = Fixtures.tokenizer("llama3");
        var item = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("answer", "Paris");
        List<ChatMessage> messages = List.of(ChatMessage.text("system", "One word."),
                ChatMessage.text("user", "Capital of France?"));
        TokenizedExample prompt = new ExampleTokenizer(llama, 4096)
                .tokenize(new dev.whetstone.data.ReinforcementExample(messages, item));
        assertThat(llama.decode(prompt.inputIds()))
                .isEqualTo(llama.chatTemplate().orElseThrow().render(messages, true))
                .endsWith("<|start_header_id|>assistant<|end_header_id|>\n\n");
        assertThat(prompt.lossMask()).doesNotContain(true);
        assertThat(prompt.item()).isSameAs(item);
        TokenizedExample cut = new ExampleTokenizer(llama, 5).tokenize(new dev.whetstone.data.ReinforcementExample(messages, item));
        assertThat(cut.length()).isEqualTo(5);
        assertThat(cut.truncated()).isTrue();
    }

    @Test
    void qwen3MasksTrainedContentButNotTheTemplatesThinkBlock() {
        HfTokenizer qwen = Fixtures.tokenizer("qwen3");
        TokenizedExample example = new ExampleTokenizer(qwen, 4096).tokenize(CONVERSATION);

        assertThat(maskedRuns(qwen, example)).containsExactly(
                "  Sorry! It ships today 🚚, 谢谢.  <|im_end|>",
                "You're welcome.\n\nAnything else?<|im_end|>");
        assertThat(qwen.decode(example.inputIds())).contains("<|im_start|>assistant\n<think>\n\n</think>\n\nYou're");
    }

    @Test
    void qwen3ReasoningInTheFinalAnswerIsTrainedWithIt() {
        HfTokenizer qwen = Fixtures.tokenizer("qwen3");
        ChatExample chat = new ChatExample(List.of(ChatMessage.text("user", "2+2?"),
                ChatMessage.text("assistant", "<think>Add them.</think>\n\n4")));
        TokenizedExample example = new ExampleTokenizer(qwen, 4096).tokenize(chat);
        // The template rewrites the content into "<think>\nAdd them.\n</think>\n\n4"; all of what differs is trained.
        assertThat(maskedRuns(qwen, example)).containsExactly("Add them.\n</think>\n\n4<|im_end|>");
    }

    @Test
    void emptyAssistantContentTrainsOnlyTheEndOfTurn() {
        HfTokenizer qwen = Fixtures.tokenizer("qwen3");
        ChatExample chat = new ChatExample(List.of(ChatMessage.text("user", "Say nothing."),
                ChatMessage.text("assistant", "")));
        assertThat(maskedRuns(qwen, new ExampleTokenizer(qwen, 4096).tokenize(chat))).containsExactly("<|im_end|>");
    }

    @Test
    void contentEqualToAProbeIsStillFound() {
        HfTokenizer qwen = Fixtures.tokenizer("qwen3");
        for (String content : List.of("\uE000", "\uE001", "\uE000\uE001", "\uE001\uE000", "\uE000x\uE000", "A")) {
            ChatExample chat = new ChatExample(List.of(ChatMessage.text("user", "Q"),
                    ChatMessage.text("assistant", content), ChatMessage.text("user", "Q2"),
                    ChatMessage.text("assistant", content)));
            assertThat(maskedRuns(qwen, new ExampleTokenizer(qwen, 4096).tokenize(chat)))
                    .containsExactly(content + "<|im_end|>", content + "<|im_end|>");
        }
    }

    @Test
    void fallbackFormatTrainsContentAndEos() {
        HfTokenizer llama = Fixtures.tokenizer("llama3");
        ChatTemplate fallback = ChatTemplate.fallback("<|begin_of_text|>", "<|end_of_text|>");
        TokenizedExample example = new ExampleTokenizer(llama, fallback, 4096).tokenize(CONVERSATION);

        assertThat(llama.decode(example.inputIds())).startsWith(
                "<|begin_of_text|>System:\nYou are a support agent.\n\nUser:\nMy order #1234 hasn't arrived.\n\n"
                        + "Assistant:\nOld answer, not trained.<|end_of_text|>\n\n");
        assertThat(maskedRuns(llama, example)).containsExactly(
                "  Sorry! It ships today 🚚, 谢谢.  <|end_of_text|>",
                "You're welcome.\n\nAnything else?<|end_of_text|>");
    }

    @Test
    void promptCompletionTrainsCompletionAndEos() {
        HfTokenizer qwen = Fixtures.tokenizer("qwen3");
        TokenizedExample example = new ExampleTokenizer(qwen, 4096)
                .tokenize(new PromptCompletionExample("Q: 2+2?\nA:", " 4"));

        assertThat(qwen.decode(example.inputIds())).isEqualTo("Q: 2+2?\nA: 4<|im_end|>");
        assertThat(maskedRuns(qwen, example)).containsExactly(" 4<|im_end|>");
        assertThat(example.lossMask()[0]).isFalse();
    }

    @Test
    void longExamplesAreCutAndFlagged() {
        HfTokenizer llama = Fixtures.tokenizer("llama3");
        TokenizedExample full = new ExampleTokenizer(llama, 4096).tokenize(CONVERSATION);
        TokenizedExample cut = new ExampleTokenizer(llama, 20).tokenize(CONVERSATION);

        assertThat(cut.truncated()).isTrue();
        assertThat(cut.length()).isEqualTo(20);
        assertThat(cut.inputIds()).containsExactly(Arrays.copyOf(full.inputIds(), 20));
        assertThat(new ExampleTokenizer(llama, full.length()).tokenize(CONVERSATION).truncated()).isFalse();
    }

    /** The masked tokens, decoded run by run (a run is a maximal stretch of consecutive trained tokens). */
    static List<String> maskedRuns(HfTokenizer tokenizer, TokenizedExample example) {
        List<String> runs = new ArrayList<>();
        int[] ids = example.inputIds();
        boolean[] mask = example.lossMask();
        for (int t = 0; t < ids.length; t++) {
            if (mask[t] && (t == 0 || !mask[t - 1])) {
                int end = t;
                while (end < ids.length && mask[end]) {
                    end++;
                }
                runs.add(tokenizer.decode(Arrays.copyOfRange(ids, t, end)));
            }
        }
        return runs;
    }
}
