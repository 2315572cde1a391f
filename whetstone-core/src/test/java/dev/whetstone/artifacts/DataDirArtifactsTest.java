package dev.whetstone.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One machine: the data folder is the store, so a work folder published under its own key is not copied. */
class DataDirArtifactsTest {
    @TempDir Path data;

    @Test
    void aFolderAlreadyAtItsKeyIsPublishedWithoutCopyingAndCheckedOutInPlace() throws Exception {
        DataDirArtifacts store = new DataDirArtifacts(data);
        Path step = Files.createDirectories(data.resolve("jobs/j1/checkpoints/step-5"));
        Files.writeString(step.resolve("adapter.bin"), "w");
        store.publish("jobs/j1/checkpoints/step-5", step);
        try (Stream<Path> all = Files.list(data.resolve("jobs/j1/checkpoints"))) {
            assertThat(all).containsExactly(step); // no copy, no temp folder
        }
        try (ArtifactStore.Checkout c = store.checkout("jobs/j1/checkpoints/step-5")) {
            assertThat(c.dir()).isEqualTo(step);
        }
        store.copyTo("jobs/j1/checkpoints/step-5", step); // its own place: nothing to do
        assertThat(Files.readString(step.resolve("adapter.bin"))).isEqualTo("w");
    }

    @Test
    void aFolderElsewhereIsCopiedUnderItsKeyAndDeleteRemovesIt() throws Exception {
        DataDirArtifacts store = new DataDirArtifacts(data.resolve("data"));
        Path model = Files.createDirectories(data.resolve("elsewhere/m"));
        Files.writeString(model.resolve("config.json"), "{}");
        store.publish("models/m", model);
        assertThat(store.exists("models/m")).isTrue();
        assertThat(Files.readString(data.resolve("data/models/m/config.json"))).isEqualTo("{}");
        Path copy = data.resolve("work/resume");
        store.copyTo("models/m", copy);
        assertThat(copy.resolve("config.json")).exists();
        assertThat(store.delete("models/m")).isTrue();
        assertThat(store.exists("models/m")).isFalse();
        assertThatThrownBy(() -> store.copyTo("models/m", copy)).isInstanceOf(NoSuchFileException.class);
    }
}
