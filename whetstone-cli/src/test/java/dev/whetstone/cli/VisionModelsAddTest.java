package dev.whetstone.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.engine.torch.TorchEngine;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code whetstone models add} and {@code bench vision} with a vision-language model: the whole Idefics3 checkpoint
 * and its processor are checked; unknown benchmark models are refused before measuring.
 */
class VisionModelsAddTest {
    @TempDir Path dir;

    @Test
    void aVisionFolderIsCheckedWholeAndAddedOrRefusedNamingTheProcessorMismatch() throws Exception {
        Path source = dir.resolve("my-vlm");
        TorchEngine.createDemoModel(source, "tiny-vision");
        Path models = dir.resolve("data/models");
        assertThat(ModelsCommand.Add.add(source, null, models)).exists();

        Path bad = dir.resolve("bad-vlm");
        TorchEngine.createDemoModel(bad, "tiny-vision");
        ObjectMapper json = new ObjectMapper();
        ObjectNode p = (ObjectNode) json.readTree(bad.resolve("preprocessor_config.json").toFile());
        p.putObject("max_image_size").put("longest_edge", 64);
        json.writeValue(bad.resolve("preprocessor_config.json").toFile(), p);
        assertThatThrownBy(() -> ModelsCommand.Add.add(bad, null, models))
                .hasMessageContaining("max_image_size 64 differs from vision_config.image_size 32");
    }

    @Test
    void benchVisionRejectsAnUnknownModelBeforeMeasuring() {
        assertThat(WhetstoneCli.run("bench", "vision", "--model", "tiny-vision,gpt-5")).isEqualTo(2);
    }
}
