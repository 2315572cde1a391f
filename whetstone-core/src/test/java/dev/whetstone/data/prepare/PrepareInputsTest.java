package dev.whetstone.data.prepare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whetstone.data.ChatExample;
import dev.whetstone.data.ExampleFormat;
import dev.whetstone.data.PromptCompletionExample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON and JSONL readers, tables, and the mapping of columns to examples. */
class PrepareInputsTest {
    @TempDir Path dir;

    Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    @Test
    void aJsonArrayOfObjectsBecomesPromptCompletionExamples() throws Exception {
        SourceTable table = JsonInput.read(file("a.json", "[{\"prompt\":\"p1\",\"completion\":\"c1\",\"id\":1},"
                + "{\"prompt\":\"p2\",\"completion\":2}]"), InputLimits.DEFAULT);
        ExampleMapper.Mapping m = ExampleMapper.map(table, null, ColumnChoice.defaults(), null);
        assertThat(m.dataset().format()).isEqualTo(ExampleFormat.PROMPT_COMPLETION);
        assertThat(m.unusedColumns()).containsExactly("id");
        assertThat(m.dataset().drafts()).extracting(Draft::example).containsExactly(
                new PromptCompletionExample("p1", "c1"), new PromptCompletionExample("p2", "2"));
        assertThat(m.dataset().unit()).isEqualTo("record");
    }

    @Test
    void aJsonObjectOfColumnsIsReadRowByRow() throws Exception {
        SourceTable table = JsonInput.read(file("c.json", "{\"user\":[\"Hi\",\"Yo\"],\"assistant\":[\"Hello\",\"Hey\"]}"),
                InputLimits.DEFAULT);
        ExampleMapper.Mapping m = ExampleMapper.map(table, null, ColumnChoice.defaults(), "Be brief.");
        ChatExample first = (ChatExample) m.dataset().drafts().getFirst().example();
        assertThat(first.messages()).extracting(x -> x.role() + ":" + x.text())
                .containsExactly("system:Be brief.", "user:Hi", "assistant:Hello");
    }

    @Test
    void columnsOfDifferentLengthsAreMixedColumns() throws Exception {
        assertThatThrownBy(() -> JsonInput.read(file("c.json", "{\"prompt\":[\"a\",\"b\"],\"completion\":[\"x\"]}"),
                InputLimits.DEFAULT)).isInstanceOf(BadInputException.class)
                .hasMessage("c.json: mixed columns: 'prompt' has 2 values but 'completion' has 1; every column needs one value per example.");
    }

    @Test
    void chatLinesAreKeptAsWrittenAndPromptColumnsMapToChat() throws Exception {
        String line = "{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"},{\"role\":\"assistant\",\"content\":\"A\",\"weight\":1}]}";
        SourceTable chat = JsonlInput.read(file("c.jsonl", line + "\n\n" + line + "\n"), InputLimits.DEFAULT);
        Dataset data = ExampleMapper.map(chat, null, ColumnChoice.defaults(), null).dataset();
        assertThat(data.drafts()).extracting(Draft::line).containsExactly(line, line);
        assertThat(data.drafts()).extracting(Draft::row).containsExactly(1L, 3L);

        SourceTable pairs = JsonlInput.read(file("p.jsonl", "{\"prompt\":\"Q\",\"completion\":\"A\"}\n"), InputLimits.DEFAULT);
        Draft asChat = ExampleMapper.map(pairs, ExampleFormat.CHAT, ColumnChoice.defaults(), null).dataset().drafts().getFirst();
        assertThat(asChat.line()).isEqualTo("{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"},{\"role\":\"assistant\",\"content\":\"A\"}]}");
    }

    @Test
    void chatLinesKeepTheirToolsAndToolCalls() throws Exception {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
                + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";
        String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"},"
                + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":"
                + "{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\": \\\"Paris\\\"}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"21 C\"},"
                + "{\"role\":\"assistant\",\"content\":\"Sunny.\"}]";
        String line = "{" + messages + "," + tools + ",\"parallel_tool_calls\":false}";
        String legacy = "{\"messages\":[{\"role\":\"user\",\"content\":\"Time?\"},{\"role\":\"assistant\","
                + "\"function_call\":{\"name\":\"now\",\"arguments\":\"{}\"}},{\"role\":\"function\",\"name\":"
                + "\"now\",\"content\":\"noon\"},{\"role\":\"assistant\",\"content\":\"Noon.\"}],"
                + "\"functions\":[{\"name\":\"now\"}]}";
        SourceTable chat = JsonlInput.read(file("t.jsonl", line + "\n" + legacy + "\n"), InputLimits.DEFAULT);
        ExampleMapper.Mapping m = ExampleMapper.map(chat, null, ColumnChoice.defaults(), null);
        assertThat(m.dataset().drafts()).extracting(Draft::line).containsExactly(line, legacy);
        assertThat(m.unusedColumns()).isEmpty();
        // the training parser reads the calls against the kept declarations
        for (Draft d : m.dataset().drafts()) assertThat(d.problem()).as(d.line()).isNull();
        ChatExample first = (ChatExample) m.dataset().drafts().get(0).example();
        assertThat(first.tools()).hasSize(1);
        assertThat(first.parallelToolCalls()).isFalse();
        assertThat(first.messages().get(1).toolCalls()).hasSize(1);
        assertThat(first.messages().get(2).toolCallId()).isEqualTo("c1");
        assertThat(((ChatExample) m.dataset().drafts().get(1).example()).tools()).hasSize(1);
    }

    @Test
    void aCellHoldingMessagesAsJsonIsParsed() throws Exception {
        TableRows rows = new TableRows("t.csv");
        rows.add(1, List.of("conversation", "note"));
        rows.add(2, List.of("[{\"role\":\"user\",\"content\":\"Q\"},{\"role\":\"assistant\",\"content\":\"A\"}]", "n"));
        ExampleMapper.Mapping m = ExampleMapper.map(rows.table(), null, new ColumnChoice(Map.of("messages", "conversation")), null);
        assertThat(m.dataset().drafts().getFirst().line()).isEqualTo("{\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Q\"},{\"role\":\"assistant\",\"content\":\"A\"}]}");
        assertThat(m.unusedColumns()).containsExactly("note");
    }

    @Test
    void chosenColumnsAndWeightsMapIntoMessages() throws Exception {
        TableRows rows = new TableRows("t.csv");
        rows.add(1, List.of("Question", "Answer", "Persona", "w"));
        rows.add(2, List.of("Q", "A", "", "0"));
        rows.add(3, List.of("Q2", "A2", "Pirate", "1.0"));
        ColumnChoice choice = new ColumnChoice(Map.of("user", "question", "assistant", "ANSWER", "system", "persona", "weight", "w"));
        List<Draft> drafts = ExampleMapper.map(rows.table(), null, choice, "Default.").dataset().drafts();
        assertThat(drafts.get(0).line()).isEqualTo("{\"messages\":[{\"role\":\"system\",\"content\":\"Default.\"},"
                + "{\"role\":\"user\",\"content\":\"Q\"},{\"role\":\"assistant\",\"content\":\"A\",\"weight\":0}]}");
        assertThat(((ChatExample) drafts.get(1).example()).messages().getFirst().text()).isEqualTo("Pirate");
        assertThat(drafts.get(1).example()).isNotNull();
    }

    @Test
    void aChosenColumnThatDoesNotExistIsNamed() throws Exception {
        TableRows rows = new TableRows("t.csv");
        rows.add(1, List.of("prompt", "completion"));
        rows.add(2, List.of("Q", "A"));
        assertThatThrownBy(() -> ExampleMapper.map(rows.table(), null, new ColumnChoice(Map.of("completion", "answer")), null))
                .hasMessage("--column completion=answer: the input has no column 'answer'; its columns are prompt, completion.");
    }

    @Test
    void promptAndChatColumnsTogetherAreMixedColumns() throws Exception {
        TableRows rows = new TableRows("t.csv");
        rows.add(1, List.of("prompt", "completion", "assistant"));
        rows.add(2, List.of("Q", "A", "B"));
        assertThatThrownBy(() -> ExampleMapper.map(rows.table(), null, ColumnChoice.defaults(), null))
                .isInstanceOf(BadInputException.class).hasMessageStartingWith("mixed columns: the input has prompt/completion columns");
    }

    @Test
    void tablesRefuseValuesBeyondTheHeaderAndBlankOrRepeatedNames() throws Exception {
        TableRows rows = new TableRows("t.csv");
        rows.add(1, List.of("prompt", "completion"));
        assertThatThrownBy(() -> rows.add(2, List.of("Q", "A", "extra"))).hasMessage("t.csv, row 2: mixed columns: the row has"
                + " a value in column 3 but the header (row 1) names only 2 columns; give that column a name or remove the value.");
        assertThatThrownBy(() -> new TableRows("t.csv").add(1, List.of("prompt", "", "completion")))
                .hasMessageContaining("column 2 of the header has no name");
        assertThatThrownBy(() -> new TableRows("t.csv").add(1, List.of("prompt", "Prompt")))
                .hasMessageContaining("names column 'Prompt' twice");
        assertThatThrownBy(() -> new TableRows("empty.csv").table()).hasMessageStartingWith("empty.csv is empty");
        assertThatThrownBy(rows::table).hasMessage("t.csv has a header row but no data rows; add one example per row.");
    }

    @Test
    void textThatIsNotUtf8IsRefusedWithWhereItWas() throws Exception {
        Path latin1 = dir.resolve("l.jsonl");
        Files.write(latin1, "{\"prompt\":\"ok\",\"completion\":\"ok\"}\n{\"prompt\":\"caf\u00e9\",\"completion\":\"x\"}\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> JsonlInput.read(latin1, InputLimits.DEFAULT)).isInstanceOf(BadInputException.class)
                .hasMessage("l.jsonl is not valid UTF-8 text (line 2); save it with UTF-8 encoding (in Excel: Save As, \"CSV UTF-8\").");
        Path utf16 = dir.resolve("u.json");
        Files.write(utf16, "[{\"prompt\":\"a\"}]".getBytes(StandardCharsets.UTF_16));
        assertThatThrownBy(() -> JsonInput.read(utf16, InputLimits.DEFAULT)).hasMessageStartingWith("u.json is UTF-16 text");
    }

    @Test
    void oversizedValuesAndLinesStopAtTheLimit() throws Exception {
        InputLimits small = new InputLimits(1000, 1 << 20, 100);
        Path json = file("big.json", "[{\"prompt\":\"" + "x".repeat(5000) + "\",\"completion\":\"y\"}]");
        assertThatThrownBy(() -> JsonInput.read(json, small)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("big.json: String value length (").hasMessageEndingWith("; shorten that value.");
        Path jsonl = file("big.jsonl", "{\"prompt\":\"a\",\"completion\":\"b\"}\n{\"prompt\":\"" + "x".repeat(5000) + "\"}\n");
        assertThatThrownBy(() -> JsonlInput.read(jsonl, small))
                .hasMessage("big.jsonl, line 2 is longer than 1000 characters; split the example or shorten it.");
    }

    /** Jackson reports a breached parser limit without a location (getLocation() is null); the reader still says why. */
    @Test
    void jsonBeyondTheParserLimitsIsRefusedThoughItHasNoLocation() throws Exception {
        Path deep = file("deep.json", "[{\"prompt\":" + "[".repeat(1001) + "]".repeat(1001) + ",\"completion\":\"c\"}]");
        assertThatThrownBy(() -> JsonInput.read(deep, InputLimits.DEFAULT)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("deep.json: Document nesting depth (1001) exceeds the maximum allowed (1000");
        Path number = file("number.jsonl", "{\"prompt\":1" + "0".repeat(1500) + ",\"completion\":\"c\"}\n");
        assertThatThrownBy(() -> JsonlInput.read(number, InputLimits.DEFAULT)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("number.jsonl, line 1: Number value length (1501) exceeds the maximum allowed (1000");
    }

    @Test
    void brokenJsonIsOneMessageWithItsLine() throws Exception {
        assertThatThrownBy(() -> JsonInput.read(file("b.json", "[{\"prompt\": \"a\",\n \"completion\": }]"), InputLimits.DEFAULT))
                .isInstanceOf(BadInputException.class).hasMessageStartingWith("b.json is not valid JSON at line 2: ");
        assertThatThrownBy(() -> JsonInput.read(file("s.json", "\"text\""), InputLimits.DEFAULT))
                .hasMessageStartingWith("s.json must hold a JSON array of objects or an object of arrays");
        assertThatThrownBy(() -> JsonlInput.read(file("b.jsonl", "{\"prompt\":\"a\"}\n[1]\n"), InputLimits.DEFAULT))
                .hasMessageStartingWith("b.jsonl, line 2 must be a JSON object");
    }
}
