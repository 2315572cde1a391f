package dev.whetstone.engine.inference;

import static dev.whetstone.engine.inference.ToolCallSyntax.HERMES;
import static dev.whetstone.engine.inference.ToolCallSyntax.LLAMA_JSON;
import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.engine.inference.ToolCallSyntax.Call;
import dev.whetstone.engine.inference.ToolCallSyntax.Reply;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replies read back into calls per family; anything that is not exactly calls stays text. */
class ToolCallSyntaxTest {
    @Test
    void hermesCallsWithAndWithoutTextAndClosingTag() {
        assertThat(HERMES.parse("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>"))
                .isEqualTo(new Reply("", List.of(new Call("get_weather", "{\"city\":\"Paris\"}"))));
        assertThat(HERMES.parse("Let me check.\n<tool_call>\n{\"name\": \"a\", \"arguments\": {}}\n</tool_call>\n"
                + "<tool_call>\n{\"name\": \"b\", \"arguments\": {\"x\": [1, 2.5, null]}}\n</tool_call>\n"))
                .isEqualTo(new Reply("Let me check.", List.of(new Call("a", "{}"), new Call("b", "{\"x\":[1,2.5,null]}"))));
        assertThat(HERMES.parse("<tool_call>\n{\"name\": \"a\", \"arguments\": {\"k\": \"v\"}}\n").calls())
                .as("ended by the stop string or EOS before the closing tag").containsExactly(new Call("a", "{\"k\":\"v\"}"));
        assertThat(HERMES.callsStart("Let me check.\n<tool_call>")).isEqualTo(14);
    }

    @Test
    void hermesRepliesThatAreNotExactlyCallsStayText() {
        for (String text : List.of("Sunny, 21 C.", "<tool_call>\n{\"name\": \"a\", \"arguments\": {\"k\": }\n</tool_call>",
                "<tool_call>\n{\"name\": \"a\", \"arguments\": \"{}\"}\n</tool_call>",
                "<tool_call>\n{\"name\": \"a\"}\n</tool_call>",
                "<tool_call>\n{\"name\": \"a\", \"arguments\": {}, \"extra\": 1}\n</tool_call>",
                "<tool_call>\n{\"name\": \"a\", \"arguments\": {}}\n</tool_call> and then some words",
                "<tool_call>\n{\"name\": \"a\", \"arguments\": {}} {}\n</tool_call>")) {
            assertThat(HERMES.parse(text)).as(text).isEqualTo(new Reply(text, List.of()));
        }
    }

    @Test
    void llamaJsonCalls() {
        assertThat(LLAMA_JSON.parse("{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}"))
                .isEqualTo(new Reply("", List.of(new Call("get_weather", "{\"city\":\"Paris\"}"))));
        assertThat(LLAMA_JSON.parse("<|python_tag|>{\"name\": \"a\", \"parameters\": {}}; {\"name\": \"b\", \"parameters\": {}}").calls())
                .containsExactly(new Call("a", "{}"), new Call("b", "{}"));
        assertThat(LLAMA_JSON.parse("The weather is {\"fine\"}.").calls()).isEmpty();
        assertThat(LLAMA_JSON.parse("{\"name\": \"a\", \"parameters\": {}} trailing").calls()).isEmpty();
    }

    @Test
    void streamingReleasesOnlyTextThatCannotStartACall() {
        assertThat(HERMES.releasable("Let me check.")).isEqualTo(13);
        assertThat(HERMES.releasable("Let me check.\n<tool")).as("a possible marker start is held").isEqualTo(14);
        assertThat(HERMES.releasable("Let me check.\n<tool_call>\n{\"na")).isEqualTo(14);
        assertThat(HERMES.releasable("a < b")).isEqualTo(5);
        assertThat(HERMES.releasable("a <")).isEqualTo(2);
        assertThat(LLAMA_JSON.releasable("  {\"name\"")).isZero();
        assertThat(LLAMA_JSON.releasable("<|python")).isZero();
        assertThat(LLAMA_JSON.releasable("Sunny")).isEqualTo(5);
    }

    @Test
    void forcedPrefixesOpenACallOfAnyOrOfTheNamedFunction() {
        assertThat(HERMES.forcedPrefix(null)).isEqualTo("<tool_call>\n{\"name\": \"");
        assertThat(HERMES.parse(HERMES.forcedPrefix("f") + "{\"q\": 1}}\n</tool_call>").calls())
                .containsExactly(new Call("f", "{\"q\":1}"));
        assertThat(LLAMA_JSON.parse(LLAMA_JSON.forcedPrefix("f") + "{}}").calls()).containsExactly(new Call("f", "{}"));
        assertThat(HERMES.endOfFirstCall()).isEqualTo("</tool_call>");
        assertThat(LLAMA_JSON.endOfFirstCall()).isNull();
    }
}
