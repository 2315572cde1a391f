package dev.whetstone.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingFileReaderTest {
    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(("\uFEFF" + text).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsEveryExampleInFileOrder() throws Exception {
        List<TrainingExample> examples = TrainingFileReader.readAll(stream(
                TrainingFileValidatorTest.CHAT + "\r\n\r\n{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"},"
                        + "{\"role\":\"assistant\",\"content\":\"A\",\"weight\":1}]}\n"));
        assertThat(examples).containsExactly(
                new ChatExample(List.of(ChatMessage.text("user", "Hi"), ChatMessage.text("assistant", "Hello"))),
                new ChatExample(List.of(ChatMessage.text("user", "Q"),
                        new ChatMessage("assistant", List.of(new ContentPart.Text("A")), 1, null))));
    }

    @Test
    void stopsAtTheFirstBadLineNamingIt() {
        InvalidExampleException e = catchThrowableOfType(InvalidExampleException.class, () -> TrainingFileReader.readAll(
                stream(TrainingFileValidatorTest.PAIR + "\n\n" + TrainingFileValidatorTest.PAIR.replace("completion", "answer") + "\n")));
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).isEqualTo("Line 3, answer: unknown key 'answer'; allowed: prompt, completion.");
    }

    @Test
    void rejectsAFileWithoutExamples() {
        InvalidExampleException e = catchThrowableOfType(InvalidExampleException.class, () -> TrainingFileReader.readAll(stream("\n")));
        assertThat(e.getMessage()).isEqualTo("The file contains no examples.");
    }
}
