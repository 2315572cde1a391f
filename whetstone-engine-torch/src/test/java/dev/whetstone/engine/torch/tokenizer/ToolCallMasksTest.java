package dev.whetstone.engine.torch.tokenizer;

import static dev.whetstone.engine.torch.tokenizer.ExampleTokenizerTest.maskedRuns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whetstone.data.ChatExample;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.TrainingExampleParser;
import dev.whetstone.engine.torch.data.TokenizedExample;
import dev.whetstone.engine.torch.demo.TinyTokenizerFactory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chat lines with tools rendered through the model's own template, and their loss masks: the assistant's calls
 * are trained exactly as its text is, tool results and declarations never.
 */
class ToolCallMasksTest {
    private static final String TOOLS = "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":"
            + "\"Current weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
            + "\"unit\":{\"type\":\"string\",\"enum\":[\"celsius\",\"fahrenheit\"]}},\"required\":[\"city\"]}}}]";

    static String line(String callWeight) {
        return "{\"messages\":[{\"role\":\"system\",\"content\":\"You are a weather bot.\"},"
                + "{\"role\":\"user\",\"content\":\"Weather in Paris and Rome?\"},"
                + "{\"role\":\"assistant\",\"content\":\"\"" + callWeight + ",\"tool_calls\":["
                + "{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}},"
                + "{\"id\":\"c2\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":"
                + "\"{\\\"city\\\": \\\"Rome\\\", \\\"unit\\\": \\\"celsius\\\"}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"21 C sunny\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"c2\",\"content\":\"18 C rain\"},"
                + "{\"role\":\"assistant\",\"content\":\"Paris: sunny, 21 C. Rome: rain, 18 C.\"}],"
                + "\"tools\":" + TOOLS + "}";
    }

    static ChatExample example(String callWeight) {
        return (ChatExample) new TrainingExampleParser().parse(line(callWeight));
    }

    /**
     * What transformers renders for this conversation with the real Qwen3 template: computed with Python's jinja2
     * in transformers' environment (trim_blocks, lstrip_blocks, its json.dumps tojson), tool-call arguments as dicts.
     */
    static final String QWEN3_REFERENCE = "<|im_start|>system\nYou are a weather bot.\n\n# Tools\n\nYou may call one or"
            + " more functions to assist with the user query.\n\nYou are provided with function signatures within"
            + " <tools></tools> XML tags:\n<tools>\n{\"type\": \"function\", \"function\": {\"name\": \"get_weather\","
            + " \"description\": \"Current weather\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\":"
            + " {\"type\": \"string\"}, \"unit\": {\"type\": \"string\", \"enum\": [\"celsius\", \"fahrenheit\"]}},"
            + " \"required\": [\"city\"]}}}\n</tools>\n\nFor each function call, return a json object with function name"
            + " and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>,"
            + " \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n<|im_start|>user\nWeather in Paris and Rome?"
            + "<|im_end|>\n<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\":"
            + " \"Paris\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Rome\","
            + " \"unit\": \"celsius\"}}\n</tool_call><|im_end|>\n<|im_start|>user\n<tool_response>\n21 C sunny\n"
            + "</tool_response>\n<tool_response>\n18 C rain\n</tool_response><|im_end|>\n<|im_start|>assistant\n"
            + "<think>\n\n</think>\n\nParis: sunny, 21 C. Rome: rain, 18 C.<|im_end|>\n";

    @Test
    void qwen3RendersToolsAndCallsAsTransformersDoes() {
        ChatExample chat = example("");
        String rendered = Fixtures.tokenizer("qwen3").chatTemplate().orElseThrow()
                .render(chat.messages(), chat.tools(), false);
        assertThat(rendered).isEqualTo(QWEN3_REFERENCE);
    }

    @Test
    void qwen3TrainsTheCallsAndTheAnswerNotTheResultsOrDeclarations() {
        HfTokenizer qwen = Fixtures.tokenizer("qwen3");
        TokenizedExample tokens = new ExampleTokenizer(qwen, 4096).tokenize(example(""));
        assertThat(qwen.decode(tokens.inputIds())).isEqualTo(QWEN3_REFERENCE);
        assertThat(maskedRuns(qwen, tokens)).containsExactly(
                "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>\n"
                        + "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Rome\", \"unit\": \"celsius\"}}"
                        + "\n</tool_call><|im_end|>",
                "Paris: sunny, 21 C. Rome: rain, 18 C.<|im_end|>");
    }

    @Test
    void weightZeroLeavesTheCallsOutOfTheLoss() {
        HfTokenizer qwen = Fixtures.tokenizer("qwen3");
        TokenizedExample tokens = new ExampleTokenizer(qwen, 4096).tokenize(example(",\"weight\":0"));
        assertThat(maskedRuns(qwen, tokens)).containsExactly("Paris: sunny, 21 C. Rome: rain, 18 C.<|im_end|>");
    }

    /** The demo template's rendering of the same conversation, computed with jinja2 as above. */
    static final String TINY_REFERENCE = "<|im_start|>system\n"
            + "You are a weather bot.\n"
            + "\n"
            + "# Tools\n"
            + "<tools>\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Current weather\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}, \"unit\": {\"type\": \"string\", \"enum\": [\"celsius\", \"fahrenheit\"]}}, \"required\": [\"city\"]}}}\n"
            + "</tools>\n"
            + "To call a function, write <tool_call>\n"
            + "{\"name\": <name>, \"arguments\": <object>}\n"
            + "</tool_call><|im_end|>\n"
            + "<|im_start|>user\n"
            + "Weather in Paris and Rome?<|im_end|>\n"
            + "<|im_start|>assistant\n"
            + "<tool_call>\n"
            + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n"
            + "</tool_call>\n"
            + "<tool_call>\n"
            + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Rome\", \"unit\": \"celsius\"}}\n"
            + "</tool_call><|im_end|>\n"
            + "<|im_start|>user\n"
            + "<tool_response>\n"
            + "21 C sunny\n"
            + "</tool_response><|im_end|>\n"
            + "<|im_start|>user\n"
            + "<tool_response>\n"
            + "18 C rain\n"
            + "</tool_response><|im_end|>\n"
            + "<|im_start|>assistant\n"
            + "Paris: sunny, 21 C. Rome: rain, 18 C.<|im_end|>\n";

    @TempDir Path temp;

    @Test
    void theDemoTemplateRendersToolsInTheHermesFormAndPlainChatAsBefore() throws Exception {
        Fixtures.init();
        try (HfTokenizer tiny = HfTokenizer.load(TinyTokenizerFactory.write(temp, TinyTokenizerFactory.Flavor.CHAT))) {
            TokenizedExample tokens = new ExampleTokenizer(tiny, 4096).tokenize(example(""));
            assertThat(tiny.decode(tokens.inputIds())).isEqualTo(TINY_REFERENCE);
            assertThat(maskedRuns(tiny, tokens)).containsExactly(
                    "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>\n"
                            + "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Rome\", \"unit\": \"celsius\"}}"
                            + "\n</tool_call><|im_end|>",
                    "Paris: sunny, 21 C. Rome: rain, 18 C.<|im_end|>");
            List<ChatMessage> plain = List.of(ChatMessage.text("system", "S"), ChatMessage.text("user", "U"),
                    ChatMessage.text("assistant", "A"));
            assertThat(tiny.chatTemplate().orElseThrow().render(plain, true)).as("plain ChatML, unchanged")
                    .isEqualTo("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n"
                            + "<|im_start|>assistant\nA<|im_end|>\n<|im_start|>assistant\n");
        }
    }

    @Test
    void aTemplateWithoutToolSupportIsRefusedNotSilentlyTrained() {
        HfTokenizer llama = Fixtures.tokenizer("llama3"); // the Llama-3 base template knows no tools
        assertThatThrownBy(() -> new ExampleTokenizer(llama, 4096).tokenize(example("")))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("does not render tool definitions");
        ChatTemplate declaresButIgnoresCalls = ChatTemplate.of("{% if tools %}{{ tools | tojson }}{% endif %}"
                + "{% for m in messages %}{{ m.role + ': ' + m.content + '\\n' }}{% endfor %}", null, null);
        assertThatThrownBy(() -> new ExampleTokenizer(llama, declaresButIgnoresCalls, 4096).tokenize(example("")))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("does not render assistant tool calls");
    }
}
