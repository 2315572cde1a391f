package dev.whetstone.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.engine.torch.TorchEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code whetstone models add}: a folder that loads is registered whole; one that does not is refused with why. */
class ModelsAddTest {
    @TempDir Path dir;
    Path source;
    Path models;

    @BeforeEach
    void modelFolder() throws Exception {
        source = dir.resolve("my-llama");
        TorchEngine.createDemoModel(source, "tiny-chat");
        models = dir.resolve("data/models");
    }

    @Test
    void aGoodFolderIsCheckedAndAddedUnderItsNameOrTheGivenOne() throws Exception {
        assertThat(WhetstoneCli.run("models", "add", source.toString(), "--data", dir.resolve("data").toString()))
                .isZero();
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"}) {
            assertThat(Files.mismatch(source.resolve(f), models.resolve("my-llama").resolve(f))).isEqualTo(-1);
        }
        Path renamed = ModelsCommand.Add.add(source, "support-bot", models);
        assertThat(renamed).isEqualTo(models.resolve("support-bot"));
        assertThat(renamed.resolve("config.json")).exists();
        try (Stream<Path> s = Files.list(models)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("my-llama", "support-bot");
        }
    }

    @Test
    void weightsThatDoNotFitConfigJsonAreRefusedNamingTheTensorAndNothingIsAdded() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(source.resolve("config.json").toFile());
        config.put("intermediate_size", config.get("intermediate_size").asInt() + 32);
        json.writeValue(source.resolve("config.json").toFile(), config);

        assertThatThrownBy(() -> ModelsCommand.Add.add(source, null, models))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mlp.gate_proj.weight").hasMessageContaining("config.json implies");
        assertThat(models.resolve("my-llama")).doesNotExist();
        assertThat(WhetstoneCli.run("models", "add", source.toString(), "--data", dir.resolve("data").toString()))
                .isEqualTo(WhetstoneCli.ERROR);
    }

    @Test
    void aFolderWithoutTokenizerOrWeightsIsRefusedNamingWhatIsMissing() throws Exception {
        Files.delete(source.resolve("tokenizer.json"));
        Files.delete(source.resolve("model.safetensors"));
        assertThatThrownBy(() -> ModelsCommand.Add.add(source, null, models))
                .hasMessageContaining("missing tokenizer.json, weights (*.safetensors)");
    }

    @Test
    void anAdapterANameClashAndABadNameAreRefused() throws Exception {
        Path adapter = Files.createDirectories(dir.resolve("adapter"));
        Files.writeString(adapter.resolve("adapter_config.json"), "{}");
        Files.copy(source.resolve("config.json"), adapter.resolve("config.json"));
        Files.copy(source.resolve("tokenizer.json"), adapter.resolve("tokenizer.json"));
        Files.copy(source.resolve("model.safetensors"), adapter.resolve("model.safetensors"));
        assertThatThrownBy(() -> ModelsCommand.Add.add(adapter, null, models)).hasMessageContaining("LoRA adapter");

        ModelsCommand.Add.add(source, null, models);
        assertThatThrownBy(() -> ModelsCommand.Add.add(source, null, models)).hasMessageContaining("exists already");
        assertThatThrownBy(() -> ModelsCommand.Add.add(source, "../escape", models)).hasMessageContaining("--name");
        assertThatThrownBy(() -> ModelsCommand.Add.add(dir.resolve("nothing"), null, models))
                .hasMessageContaining("not a folder");
    }
}
