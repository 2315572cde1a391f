package dev.whetstone.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** RFT lines (OpenAI's format): messages ending with the user's turn, other fields for the grader's {@code item}. */
class ReinforcementFileTest {
    private static final TrainingExampleParser PARSER = new TrainingExampleParser();

    private static ValidationReport validate(String text) throws Exception {
        return new TrainingFileValidator().validate(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aPromptWithGraderFieldsIsAReinforcementExample() {
        TrainingExample e = PARSER.parse("{\"messages\":[{\"role\":\"developer\",\"content\":\"Answer in one word.\"},"
                + "{\"role\":\"user\",\"content\":\"Capital of France?\"}],\"reference_answer\":\"Paris\",\"meta\":{\"n\":1}}");
        assertThat(e).isInstanceOf(ReinforcementExample.class);
        ReinforcementExample r = (ReinforcementExample) e;
        assertThat(r.messages()).extracting(ChatMessage::role).containsExactly("system", "user");
        assertThat(r.item().get("reference_answer").asText()).isEqualTo("Paris");
        assertThat(r.item().at("/meta/n").asInt()).isEqualTo(1);
        assertThat(ExampleFormat.of(e)).isEqualTo(ExampleFormat.REINFORCEMENT);
        // multi-turn context with an earlier assistant turn, recognised by its grader field
        assertThat(PARSER.parse("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"},"
                + "{\"role\":\"user\",\"content\":\"c\"}],\"label\":\"x\"}")).isInstanceOf(ReinforcementExample.class);
        // the same without other fields is a chat example that ends with a user turn, as before
        assertThat(PARSER.parse("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"},"
                + "{\"role\":\"user\",\"content\":\"c\"}]}")).isInstanceOf(ChatExample.class);
    }

    @Test
    void badMessagesAreNamedByPath() {
        assertThatThrownBy(() -> PARSER.parse("{\"messages\":[{\"role\":\"user\",\"content\":\"a\",\"weight\":1}],\"label\":\"x\"}"))
                .isInstanceOf(InvalidExampleException.class)
                .satisfies(e -> assertThat(((InvalidExampleException) e).field()).isEqualTo("messages[0].weight"));
        assertThatThrownBy(() -> PARSER.parse("{\"messages\":[{\"role\":\"bot\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"q\"}],\"label\":\"x\"}"))
                .isInstanceOf(InvalidExampleException.class)
                .satisfies(e -> assertThat(((InvalidExampleException) e).field()).isEqualTo("messages[0].role"));
        assertThatThrownBy(() -> PARSER.parse("{\"messages\":[{\"role\":\"user\",\"content\":5}],\"label\":\"x\"}"))
                .isInstanceOf(InvalidExampleException.class)
                .satisfies(e -> assertThat(((InvalidExampleException) e).field()).isEqualTo("messages[0].content"));
    }

    @Test
    void filesAreValidatedLineByLine() throws Exception {
        String ok = "{\"messages\":[{\"role\":\"user\",\"content\":\"Q%d\"}],\"answer\":\"A\"}\n";
        ValidationReport good = validate(ok.formatted(1) + ok.formatted(2));
        assertThat(good.ok()).isTrue();
        assertThat(good.statistics().format()).isEqualTo("reinforcement");
        assertThat(good.statistics().examples()).isEqualTo(2);

        String chat = "{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"},{\"role\":\"assistant\",\"content\":\"A\"}]}\n";
        ValidationReport mixed = validate(ok.formatted(1) + chat + "{\"messages\":[{\"role\":\"tool\",\"content\":\"t\"},{\"role\":\"user\",\"content\":\"q\"}],\"x\":1}\n");
        assertThat(mixed.ok()).isFalse();
        assertThat(mixed.errors()).extracting(LineError::line).containsExactly(2L, 3L);
        assertThat(mixed.errors().get(0).message()).contains("reinforcement format").contains("ends with the user's turn");
        assertThat(mixed.errors().get(1).field()).isEqualTo("messages[0].role");

        ValidationReport chatFile = validate(chat + ok.formatted(2));
        assertThat(chatFile.errors()).extracting(LineError::line).containsExactly(2L);
        assertThat(chatFile.errors().get(0).message()).contains("must end with the assistant reply");
    }
}
