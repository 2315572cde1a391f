package dev.whetstone.data.prepare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.data.ExampleFormat;
import dev.whetstone.data.PreferenceExample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prepare-data recognises JSONL preference pairs, passes them through and checks them with the service's parser. */
class PreferencePrepareTest {
    static final String PAIR = "{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"Sky?\"}]},"
            + "\"preferred_output\":[{\"role\":\"assistant\",\"content\":\"Blue.\"}],"
            + "\"non_preferred_output\":[{\"role\":\"assistant\",\"content\":\"Red.\"}],\"id\":7}";
    static final String SAME = "{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"Sky?\"}]},"
            + "\"preferred_output\":[{\"role\":\"assistant\",\"content\":\"Blue.\"}],"
            + "\"non_preferred_output\":[{\"role\":\"assistant\",\"content\":\"Blue.\"}]}";

    @TempDir Path dir;

    @Test
    void preferencePairsPassThroughAsPreferenceDraftsAndBadPairsAreNamed() throws Exception {
        Path file = dir.resolve("pairs.jsonl");
        Files.writeString(file, PAIR + "\n" + SAME + "\n");
        SourceTable table = JsonlInput.read(file, InputLimits.DEFAULT);
        ExampleMapper.Mapping mapping = ExampleMapper.map(table, ExampleFormat.CHAT, new ColumnChoice(Map.of()), null);
        assertThat(mapping.dataset().format()).isEqualTo(ExampleFormat.PREFERENCE);
        assertThat(mapping.unusedColumns()).containsExactly("id");
        Draft good = mapping.dataset().drafts().get(0);
        assertThat(good.example()).isInstanceOf(PreferenceExample.class);
        assertThat(good.json().has("id")).isFalse();
        Draft bad = mapping.dataset().drafts().get(1);
        assertThat(bad.example()).isNull();
        assertThat(bad.problem().reason()).contains("identical");
    }
}
