package dev.whetstone.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Preference (DPO) lines through the streaming validator: each bad line named with its field and why. */
class PreferenceValidationTest {
    static final String PAIR = "{\"input\":{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
            + "{\"role\":\"user\",\"content\":\"Sky colour?\"}]},"
            + "\"preferred_output\":[{\"role\":\"assistant\",\"content\":\"Blue.\"}],"
            + "\"non_preferred_output\":[{\"role\":\"assistant\",\"content\":\"Red.\"}]}";
    private final TrainingFileValidator validator = new TrainingFileValidator();

    private ValidationReport validate(String content) {
        try {
            return validator.validate(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one error of a file whose line 2 is {@code bad} between two good pairs. */
    private String errorOf(String bad) {
        ValidationReport report = validate(PAIR + "\n" + bad + "\n" + PAIR + "\n");
        assertThat(report.ok()).as(bad).isFalse();
        assertThat(report.errors()).hasSize(1);
        assertThat(report.errors().getFirst().line()).isEqualTo(2);
        return report.errors().getFirst().render();
    }

    private static String pair(String input, String preferred, String nonPreferred) {
        return "{\"input\":" + input + ",\"preferred_output\":" + preferred + ",\"non_preferred_output\":"
                + nonPreferred + "}";
    }

    private static final String INPUT = "{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"}]}";
    private static final String A = "[{\"role\":\"assistant\",\"content\":\"A\"}]";
    private static final String B = "[{\"role\":\"assistant\",\"content\":\"B\"}]";

    @Test
    void aPreferenceFileIsValidWithTheFormatPreferenceAndBothRepliesParsed() throws IOException {
        ValidationReport report = validate(PAIR + "\n" + PAIR + "\n");
        assertThat(report.ok()).isTrue();
        assertThat(report.statistics().format()).isEqualTo("preference");
        assertThat(report.statistics().examples()).isEqualTo(2);
        List<TrainingExample> read = TrainingFileReader.readAll(new ByteArrayInputStream(PAIR.getBytes(StandardCharsets.UTF_8)));
        PreferenceExample pair = (PreferenceExample) read.getFirst();
        assertThat(pair.input()).extracting(ChatMessage::role).containsExactly("system", "user");
        assertThat(pair.preferred().text()).isEqualTo("Blue.");
        assertThat(pair.nonPreferred().text()).isEqualTo("Red.");
        assertThat(pair.conversation(false).messages().getLast().text()).isEqualTo("Red.");
    }

    @Test
    void identicalRepliesAreFlagged() {
        assertThat(errorOf(pair(INPUT, A, A))).isEqualTo("Line 2, non_preferred_output: preferred_output and"
                + " non_preferred_output are identical, so the pair teaches nothing; give two different replies.");
    }

    @Test
    void eachFieldIsCheckedWithItsPath() {
        assertThat(errorOf("{\"preferred_output\":" + A + ",\"non_preferred_output\":" + B + "}"))
                .startsWith("Line 2, input: input is required");
        assertThat(errorOf(pair("[]", A, B))).startsWith("Line 2, input: input must be an object");
        assertThat(errorOf(pair("{\"messages\":[]}", A, B))).isEqualTo("Line 2, input.messages: messages must not be empty.");
        assertThat(errorOf(pair("{\"messages\":[{\"role\":\"bot\",\"content\":\"Q\"}]}", A, B)))
                .isEqualTo("Line 2, input.messages[0].role: unknown role 'bot'; allowed: system, user, assistant.");
        assertThat(errorOf(pair("{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"},{\"role\":\"assistant\",\"content\":\"x\"}]}", A, B)))
                .startsWith("Line 2, input.messages[1].role: the input must end with a user message");
        assertThat(errorOf(pair("{\"messages\":[{\"role\":\"assistant\",\"content\":\"x\",\"weight\":0},{\"role\":\"user\",\"content\":\"Q\"}]}", A, B)))
                .startsWith("Line 2, input.messages[0].weight: weight has no meaning in a preference input");
        assertThat(errorOf(pair("{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"}],\"tools\":[{\"type\":\"function\"}]}", A, B)))
                .startsWith("Line 2, input.tools: tool definitions are not supported");
        assertThat(errorOf(pair("{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"}],\"parallel_tool_calls\":\"yes\"}", A, B)))
                .isEqualTo("Line 2, input.parallel_tool_calls: parallel_tool_calls must be true or false, found a string.");
        assertThat(errorOf(pair(INPUT, "{\"role\":\"assistant\",\"content\":\"A\"}", B)))
                .isEqualTo("Line 2, preferred_output: preferred_output must be an array holding one assistant message, found an object.");
        assertThat(errorOf(pair(INPUT, A, "[{\"role\":\"assistant\",\"content\":\"B\"},{\"role\":\"assistant\",\"content\":\"C\"}]")))
                .isEqualTo("Line 2, non_preferred_output: non_preferred_output must hold exactly one assistant message, found 2.");
        assertThat(errorOf(pair(INPUT, "[{\"role\":\"user\",\"content\":\"A\"}]", B)))
                .isEqualTo("Line 2, preferred_output[0].role: unknown role 'user'; allowed: assistant.");
        assertThat(errorOf(pair(INPUT, "[{\"role\":\"assistant\",\"content\":\" \"}]", B)))
                .startsWith("Line 2, preferred_output[0].content: assistant content must not be empty");
        assertThat(errorOf(pair(INPUT, "[{\"role\":\"assistant\",\"content\":\"A\",\"weight\":1}]", B)))
                .isEqualTo("Line 2, preferred_output[0].weight: unknown key 'weight'; allowed: role, content.");
        assertThat(errorOf("{\"input\":" + INPUT + ",\"preferred_output\":" + A + "}"))
                .startsWith("Line 2, non_preferred_output: non_preferred_output is required");
        assertThat(errorOf("{\"input\":" + INPUT + ",\"preferred_output\":" + A + ",\"non_preferred_output\":" + B
                + ",\"extra\":1}")).isEqualTo("Line 2, extra: unknown key 'extra'; allowed: input, preferred_output,"
                + " non_preferred_output.");
    }

    @Test
    void aFileMixingPreferenceAndChatLinesNamesTheFirstOffendingLine() {
        String chat = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello\"}]}";
        assertThat(errorOf(chat)).isEqualTo("Line 2: this line uses the chat format but the file uses the preference"
                + " format (from line 1); use one format per file.");
    }
}
