package dev.whetstone.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whetstone.data.prepare.InputLimits;
import dev.whetstone.data.prepare.SourceTable;
import dev.whetstone.data.prepare.XlsxInput;
import dev.whetstone.testing.XlsxFixture;
import java.io.BufferedWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code whetstone prepare-data} on each input kind, with and without answers, and on inputs it must refuse. */
class PrepareDataCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    Path csv(String name, int rows) throws Exception {
        StringBuilder b = new StringBuilder("prompt,completion,id\n");
        for (int i = 0; i < rows; i++) b.append("\"Double ").append(i).append("\",\"").append(2 * i).append("\",").append(i).append('\n');
        return Files.writeString(dir.resolve(name), b.toString());
    }

    static List<JsonNode> lines(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes).as("UTF-8 BOM").startsWith(0xEF, 0xBB, 0xBF);
        List<JsonNode> out = new ArrayList<>();
        for (String line : new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8).split("\n")) out.add(JSON.readTree(line));
        return out;
    }

    @Test
    void aCsvWithPromptAndCompletionBecomesAValidFileWithEveryFixAccepted() throws Exception {
        Path input = csv("qa.csv", 120);
        PrepareRun run = PrepareRun.of("", "-f", input.toString(), "-q");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Read qa.csv: 120 rows, columns prompt, completion, id.")
                .contains("Ignored columns: id.").contains("(no --model: token counts are estimates)")
                .contains("[SUGGESTION] prompt-separator").contains("y (-q)")
                .contains("Summary").contains("training examples").contains("trained tokens")
                .contains("valid, 120 examples in the prompt_completion format.");
        List<JsonNode> lines = lines(dir.resolve("qa_prepared.jsonl"));
        assertThat(lines).hasSize(120);
        assertThat(lines.get(3).get("prompt").asText()).isEqualTo("Double 3\n\n###\n\n");
        assertThat(lines.get(3).get("completion").asText()).isEqualTo(" 6\n");
    }

    @Test
    void aTsvAndAJsonFileAreReadLikeACsv() throws Exception {
        StringBuilder tsv = new StringBuilder("prompt\tcompletion\n");
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < 30; i++) {
            tsv.append("Say ").append(i).append("\t").append(" ").append(i).append("\n");
            json.append(i == 0 ? "" : ",").append("{\"prompt\":\"Say ").append(i).append(" ->\",\"completion\":\" ").append(i).append("\\n\"}");
        }
        Files.writeString(dir.resolve("a.tsv"), tsv);
        Files.writeString(dir.resolve("a.json"), json.append("]"));
        PrepareRun fromTsv = PrepareRun.of("", "-f", dir.resolve("a.tsv").toString(), "-q", "-o", dir.resolve("t.jsonl").toString());
        PrepareRun fromJson = PrepareRun.of("", "-f", dir.resolve("a.json").toString());
        assertThat(fromTsv.code()).as(fromTsv.toString()).isZero();
        assertThat(fromJson.code()).as(fromJson.toString()).isZero();
        assertThat(fromJson.out()).contains("[WARNING] example-count: The training file has 30 examples").doesNotContain("[y/n]");
        assertThat(lines(dir.resolve("t.jsonl"))).hasSize(30);
        assertThat(lines(dir.resolve("a_prepared.jsonl")).getFirst().toString()).isEqualTo("{\"prompt\":\"Say 0 ->\",\"completion\":\" 0\\n\"}");
    }

    @Test
    void aCsvWithSemicolonsIsReadAsSpreadsheetsInDecimalCommaLocalesWriteIt() throws Exception {
        Path input = Files.writeString(dir.resolve("semi.csv"), "prompt;completion\n" + "\"Pi, roughly\";3,14\n".repeat(10));
        PrepareRun run = PrepareRun.of("", "-f", input.toString());
        assertThat(run.out()).as(run.toString()).contains("Read semi.csv: 10 rows, columns prompt, completion.");
        assertThat(lines(dir.resolve("semi_prepared.jsonl")).getFirst().toString())
                .isEqualTo("{\"prompt\":\"Pi, roughly\",\"completion\":\"3,14\"}");
    }

    @Test
    void anXlsxWithSystemUserAndAssistantColumnsBecomesChat() throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        rows.add(List.of("System", "User", "Assistant"));
        for (int i = 0; i < 12; i++) rows.add(List.of("You add numbers.", "What is " + i + " + 1?", i + 1));
        Path xlsx = XlsxFixture.write(dir.resolve("chat.xlsx"), rows);
        PrepareRun run = PrepareRun.of("", "-f", xlsx.toString(), "--validation-split", "0.2");
        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> training = lines(dir.resolve("chat_prepared.jsonl"));
        List<JsonNode> validation = lines(dir.resolve("chat_prepared_valid.jsonl"));
        assertThat(training).hasSize(10);
        assertThat(validation).hasSize(2).doesNotContainAnyElementsOf(training);
        List<String> all = new ArrayList<>();
        training.forEach(l -> all.add(l.toString()));
        validation.forEach(l -> all.add(l.toString()));
        assertThat(all).contains("{\"messages\":[{\"role\":\"system\",\"content\":\"You add numbers.\"},"
                + "{\"role\":\"user\",\"content\":\"What is 0 + 1?\"},{\"role\":\"assistant\",\"content\":\"1\"}]}");
    }

    @Test
    void eachFixIsAskedAndOnlyAcceptedOnesAreApplied() throws Exception {
        Path input = Files.writeString(dir.resolve("d.csv"), "user,assistant\n" + "Hi ,Hello\n".repeat(3) + "Q1,A1\nQ2,\n"
                + "Q3,A3\n".repeat(1));
        // duplicates: no; whitespace: yes
        PrepareRun run = PrepareRun.of("y\nn\ny\n", "-f", input.toString());
        assertThat(run.out()).contains("[ERROR] empty-fields: 1 row has an empty or whitespace-only assistant reply")
                .contains("    row 6: empty assistant").contains("[WARNING] duplicates").contains("    row 3: same as row 2");
        List<JsonNode> lines = lines(dir.resolve("d_prepared.jsonl"));
        assertThat(lines).hasSize(5);
        assertThat(lines.getFirst().at("/messages/0/content").asText()).isEqualTo("Hi");
        assertThat(run.code()).as("5 examples are too few for the service").isEqualTo(PrepareDataCommand.INVALID);
        assertThat(run.out()).contains("but the service would NOT accept it:")
                .contains("The training file has 5 examples; training_file needs at least 10.");
    }

    @Test
    void withoutInputEveryAnswerIsNoAndAnInvalidFileExitsOne() throws Exception {
        Path input = Files.writeString(dir.resolve("e.csv"), "prompt,completion\n" + "p,c\n".repeat(11) + "q,\n");
        PrepareRun run = PrepareRun.of("", "-f", input.toString());
        assertThat(run.out()).contains("n (no input)").contains("Line 12, completion: completion must not be empty");
        assertThat(run.code()).isEqualTo(PrepareDataCommand.INVALID);
    }

    @Test
    void tokensAreCountedWithTheModelsTokenizerAndItsKindPicksTheFormat() throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        rows.add(List.of("system", "user", "assistant"));
        for (int i = 0; i < 12; i++) rows.add(List.of("Be kind.", "Question " + i, i == 0 ? "long ".repeat(3000) : "Answer " + i));
        Path xlsx = XlsxFixture.write(dir.resolve("m.xlsx"), rows);
        PrepareRun chat = PrepareRun.of("", "-f", xlsx.toString(), "--model", "tiny-chat", "--models-dir", dir.resolve("none").toString(),
                "--data", dir.toString());
        assertThat(chat.out()).as(chat.toString()).contains("for model 'tiny-chat' (context 1024 tokens)")
                .contains("[WARNING] long-examples: 1 row is longer than model 'tiny-chat''s context of 1024 tokens")
                .contains("counted with tiny-chat's tokenizer");
        assertThat(chat.code()).isZero();
        PrepareRun completion = PrepareRun.of("", "-f", xlsx.toString(), "--model", "tiny-completion", "-q",
                "--models-dir", dir.resolve("none").toString(), "--data", dir.toString(), "-o", dir.resolve("c.jsonl").toString(),
                "--system", "Be brief.");
        assertThat(completion.code()).as(completion.toString()).isZero();
        assertThat(completion.out()).contains("Writing the prompt_completion format").contains("Ignored columns: system.")
                .contains("Ignored --system: the prompt/completion format has no system message.");
        assertThat(lines(dir.resolve("c.jsonl"))).hasSize(11);
    }

    @Test
    void malformedInputsGiveOneLineAndExitTwo() throws Exception {
        Path latin1 = dir.resolve("latin1.csv");
        Files.write(latin1, "prompt,completion\ncaf\u00e9,x\n".getBytes(StandardCharsets.ISO_8859_1));
        Path corrupt = Files.write(dir.resolve("corrupt.xlsx"), "PK\u0003\u0004 this is not a zip".getBytes(StandardCharsets.US_ASCII));
        Path bomb = XlsxFixture.bomb(dir.resolve("bomb.xlsx"), 64L << 20);
        Path empty = XlsxFixture.emptySheet(dir.resolve("empty.xlsx"));
        byte[] whole = Files.readAllBytes(XlsxFixture.write(dir.resolve("whole.xlsx"), List.of(List.of("prompt"), List.of("a"))));
        Path truncated = Files.write(dir.resolve("truncated.xlsx"), java.util.Arrays.copyOf(whole, whole.length / 2));
        Path badXml = dir.resolve("badxml.xlsx");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(badXml));
             var source = new java.util.zip.ZipFile(dir.resolve("whole.xlsx").toFile())) {
            for (var entry : java.util.Collections.list(source.entries())) {
                zip.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
                zip.write(entry.getName().endsWith("sheet1.xml") ? "<worksheet><sheetData><row r=\"x\">".getBytes(StandardCharsets.UTF_8)
                        : source.getInputStream(entry).readAllBytes());
                zip.closeEntry();
            }
        }
        Path mixed = Files.writeString(dir.resolve("mixed.csv"), "prompt,completion\na,b\nc,d,e\n");
        Path both = Files.writeString(dir.resolve("both.csv"), "prompt,completion,user,assistant\na,b,c,d\n");
        Path unknown = Files.writeString(dir.resolve("data.parquet"), "x");
        Path mixedLines = Files.writeString(dir.resolve("mixed.jsonl"), "{\"prompt\":\"a\",\"completion\":\"b\"}\n"
                + "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"}]}\n");
        Path self = Files.writeString(dir.resolve("self.jsonl"), "{\"prompt\":\"a\",\"completion\":\"b\"}\n");
        assertOneLine(latin1, "whetstone prepare-data: latin1.csv is not valid UTF-8 text (line 2); save it with UTF-8 encoding");
        assertOneLine(corrupt, "whetstone prepare-data: corrupt.xlsx is not a valid XLSX file");
        assertOneLine(bomb, "whetstone prepare-data: bomb.xlsx looks like a zip bomb (part xl/worksheets/sheet1.xml inflates more than 200 times");
        assertOneLine(truncated, "whetstone prepare-data: truncated.xlsx is not a valid XLSX file");
        assertOneLine(badXml, "whetstone prepare-data: badxml.xlsx is a corrupt XLSX file (");
        assertOneLine(dir, "whetstone prepare-data: " + dir + " is a folder; pass the data file with -f.");
        assertOneLine(empty, "whetstone prepare-data: empty.xlsx, sheet 'Sheet1' is empty: expected a header row");
        assertOneLine(mixed, "whetstone prepare-data: mixed.csv, row 3: mixed columns: the row has a value in column 3");
        assertOneLine(both, "whetstone prepare-data: mixed columns: the input has prompt/completion columns (prompt, completion)");
        assertOneLine(unknown, "whetstone prepare-data: data.parquet: unknown file type '.parquet'; use one of .csv, .tsv, .xlsx, .json, .jsonl.");
        assertOneLine(mixedLines, "whetstone prepare-data: mixed columns: the input has prompt/completion columns (prompt, completion)"
                + " and chat columns (messages)");
        PrepareRun overwrite = PrepareRun.of("", "-f", self.toString(), "-o", self.toString());
        assertThat(overwrite.code()).isEqualTo(PrepareDataCommand.BAD_INPUT);
        assertThat(overwrite.err()).startsWith("whetstone prepare-data: the output " + self + " is the input file");
        assertOneLine(dir.resolve("missing.csv"), "whetstone prepare-data: " + dir.resolve("missing.csv") + ": no such file.");
    }

    @Test
    void aHundredMegabyteCellStopsAtTheLimitWithOneLine() throws Exception {
        Path big = dir.resolve("big.csv");
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(big), 1 << 20)) {
            w.write("prompt,completion\n\"");
            char[] block = new char[1 << 20];
            java.util.Arrays.fill(block, 'x');
            for (int i = 0; i < 100; i++) w.write(block);
            w.write("\",done\n");
        }
        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        // What earlier tests in this JVM left live is not this read's: measure the rise above it.
        long before = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
        assertOneLine(big, "whetstone prepare-data: big.csv, row 2 is longer than 8388608 characters; shorten that cell");
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        // Holding the cell would take at least 100 MB as one (Latin-1) String alone; bounded reading peaks near 40 MB.
        assertThat(peak - before).as("peak heap rise while reading a 100 MB cell").isLessThan(96L << 20);
    }

    @Test
    void xlsxCellsPastTheLimitAndInlineStringsAreHandled() throws Exception {
        List<List<Object>> rows = List.of(List.of("prompt", "completion"), List.of("x".repeat(2000), "y"));
        InputLimits small = new InputLimits(1000, 1 << 20, 100);
        assertThatThrownBy(() -> XlsxInput.read(XlsxFixture.write(dir.resolve("s.xlsx"), rows), small))
                .hasMessage("s.xlsx has a shared string longer than 1000 characters; shorten that cell.");
        assertThatThrownBy(() -> XlsxInput.read(XlsxFixture.write(dir.resolve("i.xlsx"), rows, true), small))
                .hasMessage("i.xlsx, sheet 'Sheet1', cell A2 is longer than 1000 characters; shorten it or split the example.");
        SourceTable inline = XlsxInput.read(XlsxFixture.write(dir.resolve("ok.xlsx"),
                List.of(List.of("prompt", "completion"), List.of("a & b", 3.5)), true), InputLimits.DEFAULT);
        assertThat(inline.records().getFirst().fields().toString()).isEqualTo("{\"prompt\":\"a & b\",\"completion\":\"3.5\"}");
    }

    private void assertOneLine(Path input, String start) {
        PrepareRun run = PrepareRun.of("", "-f", input.toString(), "-o", dir.resolve("out.jsonl").toString());
        assertThat(run.code()).as(run.toString()).isEqualTo(PrepareDataCommand.BAD_INPUT);
        assertThat(run.err().lines().toList()).as(run.toString()).singleElement().asString().startsWith(start);
        assertThat(dir.resolve("out.jsonl")).doesNotExist();
    }
}
