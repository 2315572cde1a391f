package dev.whetstone.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever the bytes, the validator answers with a report (never an exception), and errors name the right lines.
 * The validator is called directly, so any exception fails the property.
 */
class TrainingFilePropertiesTest {
    private static final TrainingFileValidator VALIDATOR = new TrainingFileValidator();

    @Provide
    Arbitrary<GeneratedFiles.File> anyFile() {
        return Arbitraries.oneOf(GeneratedFiles.files(ExampleFormat.CHAT), GeneratedFiles.files(ExampleFormat.PROMPT_COMPLETION));
    }

    @Property(tries = 300)
    void validFilesValidateWithTheirExampleCount(@ForAll("anyFile") GeneratedFiles.File file) throws Exception {
        byte[] bytes = file.bytes();
        ValidationReport report = VALIDATOR.validate(new ByteArrayInputStream(bytes));
        assertThat(report.errors()).isEmpty();
        assertThat(report.ok()).isTrue();
        assertThat(report.statistics().examples()).isEqualTo(file.examples().size());
        assertThat(report.statistics().format()).isEqualTo(file.format().wireName());
        assertThat(TrainingFileReader.readAll(new ByteArrayInputStream(bytes))).isEqualTo(file.trainingExamples());
    }

    @Property(tries = 300)
    void corruptedLinesAreReportedAtTheirLineNumbers(@ForAll("anyFile") GeneratedFiles.File file, @ForAll long seed) throws Exception {
        Random random = new Random(seed);
        List<Corruption> kinds = new ArrayList<>(Corruption.forFormat(file.format()));
        TreeMap<Integer, Corruption> plan = new TreeMap<>();
        int count = 1 + random.nextInt(file.examples().size());
        while (plan.size() < count) plan.put(random.nextInt(file.examples().size()), kinds.get(random.nextInt(kinds.size())));
        byte[] bytes = file.render(i -> plan.containsKey(i) ? plan.get(i).apply(file.examples().get(i), random) : file.examples().get(i).bytes());

        ValidationReport report = VALIDATOR.validate(new ByteArrayInputStream(bytes));

        List<Long> expectedLines = plan.keySet().stream().map(file::lineOf).limit(10).toList();
        assertThat(report.ok()).isFalse();
        assertThat(report.errors()).as("%s", plan).extracting(LineError::line).containsExactlyElementsOf(expectedLines);
        assertThat(report.totalErrors()).isEqualTo(plan.size());
        assertThat(report.statistics().examples()).isEqualTo(file.examples().size() - plan.size());
    }

    @Property(tries = 200)
    void flippedBytesOnlyAffectTheirOwnLines(@ForAll("anyFile") GeneratedFiles.File file, @ForAll long seed) throws Exception {
        Random random = new Random(seed);
        byte[] bytes = file.bytes();
        TreeSet<Long> touchedLines = new TreeSet<>();
        for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
            int at = random.nextInt(bytes.length);
            if (bytes[at] == '\n') continue;
            byte replacement = (byte) random.nextInt(256);
            bytes[at] = replacement == '\n' ? (byte) 0xFF : replacement;
            touchedLines.add(1 + countNewlines(bytes, at));
        }
        ValidationReport report = VALIDATOR.validate(new ByteArrayInputStream(bytes));
        assertThat(report.errors()).extracting(LineError::line).allMatch(touchedLines::contains);
        assertThat(report.totalErrors()).isLessThanOrEqualTo(touchedLines.size());
        assertThat(report.ok()).isEqualTo(report.totalErrors() == 0);
    }

    @Provide
    Arbitrary<byte[]> noise() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> fragment = Arbitraries.of("{", "}", "[", "]", ":", ",", "\"", "\n", "\r\n", " ", "\"messages\"",
                "\"role\"", "\"user\"", "\"assistant\"", "\"bot\"", "\"content\"", "\"weight\"", "\"prompt\"",
                "\"completion\"", "\"x\"", "2", "0", "null", "\uFEFF", "\u00e9", "\uD83D\uDE00")
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> invalid = Arbitraries.of(new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xC3}, new byte[] {(byte) 0x80});
        return Arbitraries.frequencyOf(
                        Tuple.of(1, random), Tuple.of(6, fragment), Tuple.of(1, invalid))
                .list().ofMaxSize(200).map(TrainingFilePropertiesTest::concat);
    }

    @Property(tries = 500)
    void anyBytesGiveAReportWithPlausibleLines(@ForAll("noise") byte[] bytes) throws Exception {
        ValidationReport report = VALIDATOR.validate(new ByteArrayInputStream(bytes));
        long lines = countNewlines(bytes, bytes.length) + 1;
        assertThat(report.ok()).isEqualTo(report.totalErrors() == 0);
        assertThat(report.errors()).hasSizeLessThanOrEqualTo(10);
        assertThat(report.totalErrors()).isGreaterThanOrEqualTo(report.errors().size());
        assertThat(report.errors()).extracting(LineError::line).allMatch(l -> l >= 0 && l <= lines).isSorted();
        assertThat(report.summary()).isNotBlank();
    }

    @Property(tries = 100)
    void filesOfBlankLinesHaveNoExamples(@ForAll boolean bom,
                                         @ForAll("blankLines") List<String> lines, @ForAll boolean finalNewline) throws Exception {
        String text = String.join("\n", lines) + (finalNewline ? "\n" : "");
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ValidationReport report = VALIDATOR.validate(new ByteArrayInputStream(bom ? concat(List.of(TrainingFileValidatorTest.BOM, bytes)) : bytes));
        assertThat(report.ok()).isFalse();
        assertThat(report.errors()).containsExactly(new LineError(0, null, "The file contains no examples."));
    }

    @Provide
    Arbitrary<List<String>> blankLines() {
        return Arbitraries.of("", " ", "\t", "\r", " \t\r").list().ofMaxSize(20);
    }

    enum BigLine { VALID, GARBAGE, OVER_THE_LIMIT }

    /** A 10 MB line: accepted when valid, reported on its own line otherwise, and the lines after it still count. */
    @Property(tries = 6)
    void tenMegabyteLines(@ForAll BigLine kind, @ForAll @IntRange(min = 0, max = 3) int position) throws Exception {
        List<String> lines = new ArrayList<>(List.of(TrainingFileValidatorTest.CHAT, TrainingFileValidatorTest.CHAT,
                TrainingFileValidatorTest.CHAT));
        String big = switch (kind) {
            case VALID, OVER_THE_LIMIT -> TrainingFileValidatorTest.CHAT.replace("Hello", "a\u00e9\u4e2d ".repeat(1_500_000));
            case GARBAGE -> "[".repeat(5_000_000) + "x".repeat(5_000_000);
        };
        lines.add(position, big);
        TrainingFileValidator validator = kind == BigLine.OVER_THE_LIMIT ? new TrainingFileValidator(1 << 20, 10) : VALIDATOR;
        byte[] bytes = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
        assertThat(bytes.length).isGreaterThan(10_000_000);

        ValidationReport report = validator.validate(new ByteArrayInputStream(bytes));

        assertThat(report.statistics().examples()).isEqualTo(kind == BigLine.VALID ? 4 : 3);
        if (kind == BigLine.VALID) {
            assertThat(report.ok()).isTrue();
        } else {
            assertThat(report.errors()).extracting(LineError::line).containsExactly(position + 1L);
        }
    }

    private static long countNewlines(byte[] bytes, int end) {
        long n = 0;
        for (int i = 0; i < end; i++) {
            if (bytes[i] == '\n') n++;
        }
        return n;
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
