package dev.whetstone.engine.torch.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whetstone.data.ChatExample;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.ContentPart;
import dev.whetstone.engine.torch.data.TokenizedExample;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published chat templates of the newer families, rendered by our template engine, against the strings their
 * own logic produces (worked out by hand from each template below), and the loss masks they give: exactly the
 * trained assistant contents as rendered plus the end-of-turn token after each.
 *
 * <p>Templates (test resources {@code chat-templates/}), each the {@code chat_template} of the model's
 * tokenizer_config.json on the Hugging Face Hub: {@code gemma3.jinja} from google/gemma-3-1b-it (the same in the
 * 270m and 4b instruct models), {@code phi-3.5-mini-instruct.jinja} from microsoft/Phi-3.5-mini-instruct,
 * {@code phi-4-mini-instruct.jinja} from microsoft/Phi-4-mini-instruct, {@code smollm3.jinja} from
 * HuggingFaceTB/SmolLM3-3B (with its {@code {% generation %}} markers). Qwen3's is the shared fixture's
 * (ChatTemplateTest, ExampleTokenizerTest).
 *
 * <p>The token ids come from the Llama-3 fixture tokenizer with some of its reserved special tokens renamed to the
 * family's markers ({@code <start_of_turn>}, {@code <|end|>}, …), so the markers are single special tokens as in the
 * family's own vocabulary; what is tested is the template and the mask, not the family's vocabulary.
 */
class FamilyChatTemplatesTest {
    private static final ChatExample CONVERSATION = new ChatExample(List.of(
            ChatMessage.text("system", "Be nice."),
            ChatMessage.text("user", "Hi  "),
            new ChatMessage("assistant", List.of(new ContentPart.Text("  Hello!  ")), 1, null),
            ChatMessage.text("user", "Bye"),
            ChatMessage.text("assistant", "Ciao\n")));

    private static final Clock DAY = Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC);

    @TempDir Path dir;

    @Test
    void gemma3FoldsTheSystemIntoTheFirstUserTurnTrimsAndNamesTheAssistantModel() throws Exception {
        HfTokenizer tok = tokenizer("gemma3.jinja", "<bos>", "<eos>",
                "<bos>", "<eos>", "<start_of_turn>", "<end_of_turn>");
        ChatTemplate template = tok.chatTemplate().orElseThrow();
        String expected = "<bos><start_of_turn>user\nBe nice.\n\nHi<end_of_turn>\n"
                + "<start_of_turn>model\nHello!<end_of_turn>\n"
                + "<start_of_turn>user\nBye<end_of_turn>\n"
                + "<start_of_turn>model\nCiao<end_of_turn>\n";
        assertThat(template.render(CONVERSATION.messages(), false)).isEqualTo(expected);
        assertThat(template.render(CONVERSATION.messages().subList(0, 4), true))
                .isEqualTo(expected.substring(0, expected.indexOf("<start_of_turn>model\nCiao"))
                        + "<start_of_turn>model\n");
        assertThat(ExampleTokenizerTest.maskedRuns(tok, new ExampleTokenizer(tok, 4096).tokenize(CONVERSATION)))
                .containsExactly("Hello!<end_of_turn>", "Ciao<end_of_turn>");
        assertThatThrownBy(() -> template.render(List.of(ChatMessage.text("user", "a"),
                ChatMessage.text("user", "b")), true))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("Conversation roles must alternate user/assistant/user/assistant/...");
    }

    @Test
    void phi35PutsEachTurnOnItsOwnLinesAndEndsTrainingTextWithEos() throws Exception {
        HfTokenizer tok = tokenizer("phi-3.5-mini-instruct.jinja", "<s>", "<|endoftext|>",
                "<s>", "<|endoftext|>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>");
        ChatTemplate template = tok.chatTemplate().orElseThrow();
        String turns = "<|system|>\nBe nice.<|end|>\n<|user|>\nHi  <|end|>\n<|assistant|>\n  Hello!  <|end|>\n"
                + "<|user|>\nBye<|end|>\n";
        assertThat(template.render(CONVERSATION.messages(), false))
                .isEqualTo(turns + "<|assistant|>\nCiao\n<|end|>\n<|endoftext|>");
        assertThat(template.render(CONVERSATION.messages().subList(0, 4), true)).isEqualTo(turns + "<|assistant|>\n");
        // an empty system message is left out
        assertThat(template.render(List.of(ChatMessage.text("system", ""), ChatMessage.text("user", "Q")), true))
                .isEqualTo("<|user|>\nQ<|end|>\n<|assistant|>\n");
        assertThat(ExampleTokenizerTest.maskedRuns(tok, new ExampleTokenizer(tok, 4096).tokenize(CONVERSATION)))
                .containsExactly("  Hello!  <|end|>", "Ciao\n<|end|>");
    }

    @Test
    void phi4MiniWritesTurnsWithoutNewlines() throws Exception {
        HfTokenizer tok = tokenizer("phi-4-mini-instruct.jinja", "<|endoftext|>", "<|endoftext|>",
                "<|endoftext|>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>");
        ChatTemplate template = tok.chatTemplate().orElseThrow();
        String turns = "<|system|>Be nice.<|end|><|user|>Hi  <|end|><|assistant|>  Hello!  <|end|><|user|>Bye<|end|>";
        assertThat(template.render(CONVERSATION.messages(), false))
                .isEqualTo(turns + "<|assistant|>Ciao\n<|end|><|endoftext|>");
        assertThat(template.render(CONVERSATION.messages().subList(0, 4), true)).isEqualTo(turns + "<|assistant|>");
        assertThat(ExampleTokenizerTest.maskedRuns(tok, new ExampleTokenizer(tok, 4096).tokenize(CONVERSATION)))
                .containsExactly("  Hello!  <|end|>", "Ciao\n<|end|>");
    }

    /** SmolLM3: "/no_think" in the system message switches reasoning off and gives every answer an empty think block. */
    @Test
    void smolLm3NoThinkFlagInTheSystemMessage() throws Exception {
        HfTokenizer tok = tokenizer("smollm3.jinja", null, "<|im_end|>", "<|im_start|>", "<|im_end|>");
        ChatTemplate template = tok.chatTemplate().orElseThrow().withClock(DAY);
        ChatExample chat = new ChatExample(List.of(ChatMessage.text("system", "Be nice. /no_think"),
                ChatMessage.text("user", "Hi  "),
                new ChatMessage("assistant", List.of(new ContentPart.Text("  Hello!  ")), 1, null),
                ChatMessage.text("user", "Bye"), ChatMessage.text("assistant", "\n\nCiao")));
        String header = "<|im_start|>system\n## Metadata\n\nKnowledge Cutoff Date: June 2025\n"
                + "Today Date: 06 December 2026\nReasoning Mode: /no_think\n\n"
                + "## Custom Instructions\n\nBe nice.\n\n"
                + "## Tools\n\n### XML Tools\n\nNone\n\n### Python Tools\n\nNone\n\n<|im_end|>\n";
        String turns = "<|im_start|>user\nHi  <|im_end|>\n"
                + "<|im_start|>assistant\n<think>\n\n</think>\n  Hello!  <|im_end|>\n"
                + "<|im_start|>user\nBye<|im_end|>\n";
        assertThat(template.render(chat.messages(), false))
                .isEqualTo(header + turns + "<|im_start|>assistant\n<think>\n\n</think>\nCiao<|im_end|>\n");
        assertThat(template.render(chat.messages().subList(0, 4), true))
                .isEqualTo(header + turns + "<|im_start|>assistant\n<think>\n\n</think>\n");
        // the template's empty think block is context, the answers (their leading newlines stripped) are trained
        assertThat(ExampleTokenizerTest.maskedRuns(tok, new ExampleTokenizer(tok, template, 4096).tokenize(chat)))
                .containsExactly("  Hello!  <|im_end|>", "Ciao<|im_end|>");
    }

    /** SmolLM3 without a system message: enable_thinking decides (default on: the long reasoning instructions). */
    @Test
    void smolLm3EnableThinkingWithoutASystemMessage() throws Exception {
        HfTokenizer tok = tokenizer("smollm3.jinja", null, "<|im_end|>", "<|im_start|>", "<|im_end|>");
        ChatTemplate template = tok.chatTemplate().orElseThrow().withClock(DAY);
        List<Map<String, String>> question = List.of(Map.of("role", "user", "content", "Hi"));
        String metadata = "<|im_start|>system\n## Metadata\n\nKnowledge Cutoff Date: June 2025\n"
                + "Today Date: 06 December 2026\nReasoning Mode: ";
        String tools = "## Tools\n\n### XML Tools\n\nNone\n\n### Python Tools\n\nNone\n\n<|im_end|>\n";
        assertThat(template.render(question, true, Map.of())).isEqualTo(metadata + "/think\n\n"
                + "## Custom Instructions\n\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face."
                + " Your role as an assistant involves thoroughly exploring questions through a systematic thinking"
                + " process before providing the final precise and accurate solutions. This requires engaging in a"
                + " comprehensive cycle of analysis, summarizing, exploration, reassessment, reflection,"
                + " backtracking, and iteration to develop well-considered thinking process. Please structure your"
                + " response into two main sections: Thought and Solution using the specified format: <think>"
                + " Thought section </think> Solution section. In the Thought section, detail your reasoning"
                + " process in steps. Each step should include detailed considerations such as analysing"
                + " questions, summarizing relevant findings, brainstorming new ideas, verifying the accuracy of"
                + " the current steps, refining any errors, and revisiting previous steps. In the Solution section,"
                + " based on various attempts, explorations, and reflections from the Thought section,"
                + " systematically present the final solution that you deem correct. The Solution section should be"
                + " logical, accurate, and concise and detail necessary steps needed to reach the conclusion.\n\n"
                + tools + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
        assertThat(template.render(question, true, Map.of("enable_thinking", false))).isEqualTo(metadata
                + "/no_think\n\n## Custom Instructions\n\nYou are a helpful AI assistant named SmolLM, trained by"
                + " Hugging Face.\n\n" + tools
                + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n");
        // in thinking mode an answer's reasoning is part of the trained content
        ChatExample reasoned = new ChatExample(List.of(ChatMessage.text("user", "2+2?"),
                ChatMessage.text("assistant", "<think>Add.</think>\n4")));
        assertThat(ExampleTokenizerTest.maskedRuns(tok,
                new ExampleTokenizer(tok, template, 4096).tokenize(reasoned)))
                .containsExactly("<think>Add.</think>\n4<|im_end|>");
    }

    /**
     * A tokenizer folder: the Llama-3 fixture's tokenizer.json with reserved special tokens renamed to
     * {@code markers}, and a tokenizer_config.json with the family's template and BOS/EOS.
     */
    private HfTokenizer tokenizer(String template, String bos, String eos, String... markers) throws IOException {
        String json = Files.readString(Fixtures.dir("llama3").resolve("tokenizer.json"));
        for (int i = 0; i < markers.length; i++) {
            String reserved = "<|reserved_special_token_" + (10 + i) + "|>";
            assertThat(json).contains("\"" + reserved + "\"");
            json = json.replace("\"" + reserved + "\"", com.fasterxml.jackson.databind.node.TextNode
                    .valueOf(markers[i]).toString());
        }
        Path folder = Files.createDirectories(dir.resolve(template));
        Files.writeString(folder.resolve("tokenizer.json"), json);
        var config = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                .put("tokenizer_class", "PreTrainedTokenizerFast").put("chat_template", resource(template));
        if (bos != null) config.put("bos_token", bos);
        config.put("eos_token", eos);
        Files.writeString(folder.resolve("tokenizer_config.json"), config.toString());
        Fixtures.init();
        return HfTokenizer.load(folder);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = FamilyChatTemplatesTest.class.getResourceAsStream("/chat-templates/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
