package dev.whetstone.engine.torch.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.data.ChatMessage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fixture templates render exactly as transformers' {@code apply_chat_template(tokenize=False)}. */
class ChatTemplateTest {
    private static final List<ChatMessage> TWO_TURNS = List.of(
            ChatMessage.text("system", "Be nice."),
            ChatMessage.text("user", "Hi  "),
            ChatMessage.text("assistant", "Hello!"),
            ChatMessage.text("user", "Bye"),
            ChatMessage.text("assistant", "<think>hmm</think>\n\nCiao"));

    @Test
    void llama3TrimsContentAndAlwaysEndsWithTheAssistantHeader() {
        ChatTemplate template = Fixtures.tokenizer("llama3").chatTemplate().orElseThrow();
        String expected = "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe nice.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n<think>hmm</think>\n\nCiao<|eot_id|>"
                // This (early Meta-Llama-3-8B) template appends the header whatever add_generation_prompt says.
                + "<|start_header_id|>assistant<|end_header_id|>\n\n";
        assertThat(template.render(TWO_TURNS, false)).isEqualTo(expected);
        assertThat(template.render(TWO_TURNS, true)).isEqualTo(expected);
    }

    @Test
    void qwen3SplitsReasoningOnlyAfterTheLastUserTurn() {
        ChatTemplate template = Fixtures.tokenizer("qwen3").chatTemplate().orElseThrow();
        assertThat(template.render(TWO_TURNS, false)).isEqualTo(
                "<|im_start|>system\nBe nice.<|im_end|>\n"
                        + "<|im_start|>user\nHi  <|im_end|>\n"
                        + "<|im_start|>assistant\nHello!<|im_end|>\n"
                        + "<|im_start|>user\nBye<|im_end|>\n"
                        + "<|im_start|>assistant\n<think>\nhmm\n</think>\n\nCiao<|im_end|>\n");
    }

    @Test
    void qwen3AddsAnEmptyThinkBlockToTheFinalAnswer() {
        ChatTemplate template = Fixtures.tokenizer("qwen3").chatTemplate().orElseThrow();
        List<ChatMessage> oneTurn = List.of(ChatMessage.text("user", "Hi"), ChatMessage.text("assistant", "Hello"));
        assertThat(template.render(oneTurn, false)).isEqualTo(
                "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nHello<|im_end|>\n");
    }

    @Test
    void qwen3GenerationPromptAndEnableThinking() {
        ChatTemplate template = Fixtures.tokenizer("qwen3").chatTemplate().orElseThrow();
        List<Map<String, String>> question = List.of(Map.of("role", "user", "content", "Hi"));
        assertThat(template.render(question, true, Map.of()))
                .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
        assertThat(template.render(question, true, Map.of("enable_thinking", false)))
                .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
        assertThat(template.render(question, false, Map.of()))
                .isEqualTo("<|im_start|>user\nHi<|im_end|>\n");
    }

    @Test
    void contentIsNeverInterpretedAsTemplate() {
        ChatTemplate template = Fixtures.tokenizer("qwen3").chatTemplate().orElseThrow();
        String rendered = template.render(List.of(ChatMessage.text("user", "{{ 7 * 6 }} {% if x %}")), false);
        assertThat(rendered).isEqualTo("<|im_start|>user\n{{ 7 * 6 }} {% if x %}<|im_end|>\n");
    }
}
