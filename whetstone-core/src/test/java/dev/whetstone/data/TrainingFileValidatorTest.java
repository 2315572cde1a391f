package dev.whetstone.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whetstone.files.FileStatistics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import org.junit.jupiter.api.Test;

class TrainingFileValidatorTest {
    /** 7 characters of text: 2 tokens. */
    static final String CHAT = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello\"}]}";
    static final String BAD_ROLE = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"bot\",\"content\":\"Hello\"}]}";
    /** 8 characters of text: 2 tokens. */
    static final String PAIR = "{\"prompt\":\"abc\",\"completion\":\"defgh\"}";
    static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final TrainingFileValidator validator = new TrainingFileValidator();

    static ValidationReport validate(TrainingFileValidator validator, byte[] content) {
        try {
            return validator.validate(new ByteArrayInputStream(content));
        } catch (IOException e) {
            throw new AssertionError("a byte array cannot fail to read", e);
        }
    }

    private ValidationReport validate(String content) {
        return validate(validator, content.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) out.writeBytes(part);
        return out.toByteArray();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void acceptsAValidChatFileWithStatistics() {
        ValidationReport report = validate(CHAT + "\n" + CHAT + "\n" + CHAT + "\n");
        assertThat(report.ok()).isTrue();
        assertThat(report.errors()).isEmpty();
        assertThat(report.totalErrors()).isZero();
        assertThat(report.statistics()).isEqualTo(new FileStatistics("chat", 3, 6));
        assertThat(report.summary()).isEqualTo("The file is valid: 3 examples in the chat format, about 6 tokens.");
    }

    @Test
    void acceptsAPromptCompletionFileWithoutFinalNewline() {
        ValidationReport report = validate(PAIR + "\n" + PAIR);
        assertThat(report.ok()).isTrue();
        assertThat(report.statistics()).isEqualTo(new FileStatistics("prompt_completion", 2, 4));
    }

    @Test
    void stripsTheByteOrderMarkAndAcceptsCrLfAndBlankLines() {
        ValidationReport report = validate(validator, concat(BOM, utf8(CHAT + "\r\n\r\n  \t \r\n" + CHAT + "\r\n")));
        assertThat(report.ok()).isTrue();
        assertThat(report.statistics().examples()).isEqualTo(2);
    }

    @Test
    void countsBlankLinesInLineNumbers() {
        ValidationReport report = validate(CHAT + "\n\n" + BAD_ROLE + "\n   \n" + CHAT + "\n" + BAD_ROLE + "\n");
        assertThat(report.ok()).isFalse();
        assertThat(report.errors()).containsExactly(
                new LineError(3, "messages[1].role", "unknown role 'bot'; allowed: system, user, assistant, tool, function"),
                new LineError(6, "messages[1].role", "unknown role 'bot'; allowed: system, user, assistant, tool, function"));
        assertThat(report.statistics()).isEqualTo(new FileStatistics("chat", 2, 4));
    }

    @Test
    void reportsInvalidUtf8WithItsLineAndContinues() {
        byte[] broken = utf8("{\"prompt\":\"caf\u00e9\",\"completion\":\"x\"}");
        broken[14] = (byte) 0xFF;
        ValidationReport report = validate(validator, concat(utf8(PAIR + "\n"), broken, utf8("\n" + PAIR + "\n")));
        assertThat(report.errors()).containsExactly(new LineError(2, null,
                "the line is not valid UTF-8 (byte 0xFF at byte 15 of the line); save the file with UTF-8 encoding"));
        assertThat(report.statistics().examples()).isEqualTo(2);
    }

    @Test
    void rejectsAUtf16FileOnItsFirstLine() {
        byte[] utf16 = concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, (PAIR + "\n").getBytes(StandardCharsets.UTF_16LE));
        ValidationReport report = validate(validator, utf16);
        assertThat(report.ok()).isFalse();
        assertThat(report.errors()).first().satisfies(e -> {
            assertThat(e.line()).isEqualTo(1);
            assertThat(e.message()).startsWith("the line is not valid UTF-8 (byte 0xFF at byte 1 ");
        });
    }

    @Test
    void acceptsAByteOrderMarkOnlyAtTheStartOfTheFile() {
        ValidationReport report = validate(validator, concat(BOM, utf8(PAIR + "\n"), BOM, utf8(PAIR + "\n")));
        assertThat(report.errors()).containsExactly(new LineError(2, null, "the line starts with a byte-order mark, which only"
                + " the start of the file may have; remove it (were files concatenated?)"));
    }

    @Test
    void reportsAnOverlongLineAndGoesOnWithTheNext() {
        TrainingFileValidator small = new TrainingFileValidator(100, 10);
        String longLine = "{\"prompt\":\"" + "x".repeat(200) + "\",\"completion\":\"y\"}";
        ValidationReport report = validate(small, utf8(PAIR + "\n" + longLine + "\r\n" + PAIR + "\n" + longLine));
        assertThat(report.errors()).containsExactly(
                new LineError(2, null, "the line is 230 bytes long, more than the maximum of 100 bytes; shorten or split this example"),
                new LineError(4, null, "the line is 230 bytes long, more than the maximum of 100 bytes; shorten or split this example"));
        assertThat(report.statistics().examples()).isEqualTo(2);
        String longest = "{\"prompt\":\"" + "x".repeat(100 - 30) + "\",\"completion\":\"y\"}";
        assertThat(longest).hasSize(100);
        assertThat(validate(small, utf8(longest + "\r\n" + longest)).ok()).isTrue();
        assertThat(validate(small, utf8(longest + " \r\n")).errors()).extracting(LineError::message)
                .containsExactly("the line is 101 bytes long, more than the maximum of 100 bytes; shorten or split this example");
    }

    @Test
    void requiresOneFormatPerFileDecidedByTheFirstValidLine() {
        ValidationReport report = validate("{\"x\":1}\n" + PAIR + "\n" + CHAT + "\n" + PAIR + "\n");
        assertThat(report.statistics()).isEqualTo(new FileStatistics("prompt_completion", 2, 4));
        assertThat(report.errors()).extracting(LineError::line).containsExactly(1L, 3L);
        assertThat(report.errors().get(1)).isEqualTo(new LineError(3, null,
                "this line uses the chat format but the file uses the prompt_completion format (from line 2); use one format per file"));
    }

    @Test
    void keepsTheFirstTenErrorsAndCountsTheRest() {
        String file = CHAT + "\n" + String.join("\n", Collections.nCopies(12, BAD_ROLE)) + "\n";
        ValidationReport report = validate(file);
        assertThat(report.ok()).isFalse();
        assertThat(report.totalErrors()).isEqualTo(12);
        assertThat(report.errors()).extracting(LineError::line).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
        assertThat(report.summary())
                .startsWith("Line 2, messages[1].role: unknown role 'bot'; allowed: system, user, assistant, tool, function. Line 3, messages[1].role: ")
                .endsWith("allowed: system, user, assistant, tool, function. (12 errors in total, first 10 shown)");
    }

    @Test
    void honoursAConfiguredErrorLimit() {
        ValidationReport report = validate(new TrainingFileValidator(1000, 2), utf8("a\nb\nc\n"));
        assertThat(report.errors()).extracting(LineError::line).containsExactly(1L, 2L);
        assertThat(report.totalErrors()).isEqualTo(3);
        assertThat(report.summary()).startsWith("Line 1: invalid JSON at column 1: ").endsWith("(3 errors in total, first 2 shown)");
    }

    @Test
    void rejectsAFileWithoutExamples() {
        for (byte[] content : new byte[][] {new byte[0], BOM, utf8("\n\n  \r\n\t\n"), concat(BOM, utf8("\r\n"))}) {
            ValidationReport report = validate(validator, content);
            assertThat(report.ok()).isFalse();
            assertThat(report.errors()).containsExactly(new LineError(0, null, "The file contains no examples."));
            assertThat(report.totalErrors()).isEqualTo(1);
            assertThat(report.summary()).isEqualTo("The file contains no examples.");
            assertThat(report.statistics()).isEqualTo(new FileStatistics(null, 0, 0));
        }
    }

    @Test
    void aFileOfOnlyBadLinesReportsThoseLinesNotMissingExamples() {
        ValidationReport report = validate("{}\n[]\n");
        assertThat(report.errors()).extracting(LineError::line).containsExactly(1L, 2L);
        assertThat(report.statistics().format()).isNull();
    }

    @Test
    void rejectsNonPositiveLimits() {
        assertThatThrownBy(() -> new TrainingFileValidator(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TrainingFileValidator(10, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TrainingFileValidator(Integer.MAX_VALUE, 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rendersErrorsWithAndWithoutLineAndField() {
        assertThat(new LineError(3, "messages[1].role", "bad").render()).isEqualTo("Line 3, messages[1].role: bad.");
        assertThat(new LineError(7, null, "invalid JSON").render()).isEqualTo("Line 7: invalid JSON.");
        assertThat(new LineError(0, null, "The file contains no examples.").render()).isEqualTo("The file contains no examples.");
        assertThat(new InvalidExampleException("prompt", "prompt is required").getMessage()).isEqualTo("prompt: prompt is required.");
    }
}
