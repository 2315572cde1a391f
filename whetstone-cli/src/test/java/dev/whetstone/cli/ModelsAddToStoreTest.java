package dev.whetstone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.engine.torch.TorchEngine;
import dev.whetstone.models.BaseModel;
import dev.whetstone.store.sql.Database;
import dev.whetstone.store.sql.JdbiBaseModelStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code whetstone models add --to-store}: the folder goes to the object store and its record to the database. */
class ModelsAddToStoreTest {
    @TempDir Path dir;

    @Test
    void aCheckedFolderIsPublishedAndRecordedOnceAndNotCopiedIntoTheModelsFolder() throws Exception {
        Path source = dir.resolve("my-llama");
        TorchEngine.createDemoModel(source, "tiny-chat");
        String data = dir.resolve("data").toString();
        assertThat(WhetstoneCli.run("models", "add", source.toString(), "--to-store", "--data", data, "--artifacts",
                "blob-store")).isZero();
        assertThat(dir.resolve("data/models/my-llama")).doesNotExist();
        try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("data/whetstone.db").toAbsolutePath())) {
            BaseModel stored = new JdbiBaseModelStore(db).find("my-llama").orElseThrow();
            assertThat(stored.storeKey()).isEqualTo("base-models/my-llama");
            assertThat(stored.chat()).isTrue();
            assertThat(stored.architecture()).isEqualTo("LlamaForCausalLM");
        }
        assertThat(dir.resolve("data/blobs/objects/base-models/my-llama/manifest.json")).exists();
        // the id is taken now; and a data-folder setup has no object store to add to
        assertThat(WhetstoneCli.run("models", "add", source.toString(), "--to-store", "--data", data, "--artifacts",
                "blob-store")).isEqualTo(WhetstoneCli.ERROR);
        assertThat(WhetstoneCli.run("models", "add", source.toString(), "--to-store", "--name", "other", "--data",
                data)).isEqualTo(WhetstoneCli.ERROR);
    }
}
