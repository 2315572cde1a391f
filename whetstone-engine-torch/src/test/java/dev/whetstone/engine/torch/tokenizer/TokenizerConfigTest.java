package dev.whetstone.engine.torch.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shapes tokenizer_config.json comes in across model families. */
class TokenizerConfigTest {
    @TempDir
    Path dir;

    @Test
    void readsTokensWrittenAsStringsOrAsAddedTokenObjects() throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"bos_token": {"__type": "AddedToken", "content": "<s>", "lstrip": false},
                 "eos_token": "</s>", "pad_token": null, "add_bos_token": true,
                 "chat_template": "{{ messages }}"}""");
        TokenizerConfig config = TokenizerConfig.read(dir);
        assertThat(config.bosToken()).isEqualTo("<s>");
        assertThat(config.eosToken()).isEqualTo("</s>");
        assertThat(config.padToken()).isNull();
        assertThat(config.addBosToken()).isTrue();
        assertThat(config.chatTemplate()).contains("{{ messages }}");
    }

    @Test
    void picksTheDefaultOfNamedTemplates() throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"chat_template": [{"name": "tool_use", "template": "tools"},
                                   {"name": "default", "template": "chat"}]}""");
        TokenizerConfig config = TokenizerConfig.read(dir);
        assertThat(config.chatTemplate()).contains("chat");
        assertThat(config.chatTemplates()).containsEntry("tool_use", "tools");
        assertThat(config.addBosToken()).isNull();
    }

    @Test
    void chatTemplateJinjaBesideTheConfigWins() throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": \"old\", \"eos_token\": \"e\"}");
        Files.writeString(dir.resolve("chat_template.jinja"), "new");
        TokenizerConfig config = TokenizerConfig.read(dir);
        assertThat(config.chatTemplate()).contains("new");
        assertThat(config.eosToken()).isEqualTo("e");
    }

    @Test
    void noConfigMeansNoSpecialTokensAndNoTemplate() throws IOException {
        assertThat(TokenizerConfig.read(dir)).isEqualTo(TokenizerConfig.empty());
    }

    @Test
    void rejectsATemplateThatIsNeitherStringNorList() throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": 3}");
        assertThatThrownBy(() -> TokenizerConfig.read(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("chat_template must be a string or a list");
    }
}
