package dev.whetstone.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whetstone.jobs.Checkpoint;
import dev.whetstone.store.CheckpointStore;
import dev.whetstone.store.Page;
import dev.whetstone.store.PageRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link CheckpointStore} adapter must have. Subclass once per adapter. */
public abstract class CheckpointStoreContract {
    protected CheckpointStore store;

    protected abstract CheckpointStore emptyStore() throws Exception;

    @BeforeEach
    final void setUpStore() throws Exception {
        store = emptyStore();
    }

    static Checkpoint checkpoint(String id, String jobId, int step) {
        return new Checkpoint(id, jobId, 1_700_000_000L + step, step, "m.ft-" + jobId + ":ckpt-step-" + step,
                Map.of("step", (double) step, "train_loss", 1.0 / step), "jobs/" + jobId + "/checkpoints/step-" + step);
    }

    @Test
    void insertedCheckpointsAreFoundByIdAndByNameWithEveryField() {
        Checkpoint c = new Checkpoint("ftchkpt-1", "ftjob-a", 1_700_000_001L, 10, "tiny.ft-abc-x:ckpt-step-10",
                Map.of("step", 10.0, "train_loss", 0.125, "valid_loss", 0.25, "full_valid_mean_token_accuracy", 0.5),
                "jobs/ftjob-a/checkpoints/step-10");
        store.insert(c);

        assertThat(store.find("ftchkpt-1")).contains(c);
        assertThat(store.find("tiny.ft-abc-x:ckpt-step-10")).contains(c);
        assertThat(store.find("ftchkpt-none")).isEmpty();
        assertThat(store.find("tiny.ft-abc-x")).isEmpty();
    }

    @Test
    void insertingAnExistingIdFails() {
        store.insert(checkpoint("ftchkpt-1", "ftjob-a", 1));
        assertThatThrownBy(() -> store.insert(checkpoint("ftchkpt-1", "ftjob-a", 2))).isInstanceOf(RuntimeException.class);
    }

    @Test
    void listIsHighestStepFirstAndAllIsLowestStepFirst() {
        store.insert(checkpoint("ftchkpt-b", "ftjob-a", 20));
        store.insert(checkpoint("ftchkpt-c", "ftjob-a", 30));
        store.insert(checkpoint("ftchkpt-a", "ftjob-a", 10));
        store.insert(checkpoint("ftchkpt-x", "ftjob-b", 15));

        Page<Checkpoint> first = store.list("ftjob-a", PageRequest.first(2));
        assertThat(ids(first.data())).containsExactly("ftchkpt-c", "ftchkpt-b");
        assertThat(first.hasMore()).isTrue();
        Page<Checkpoint> second = store.list("ftjob-a", new PageRequest("ftchkpt-b", 2, false));
        assertThat(ids(second.data())).containsExactly("ftchkpt-a");
        assertThat(second.hasMore()).isFalse();
        assertThat(store.list("ftjob-a", new PageRequest("ftchkpt-a", 2, false)).data()).isEmpty();
        assertThat(store.list("ftjob-a", new PageRequest("ftchkpt-x", 2, false)).data()).isEmpty();
        assertThat(ids(store.list("ftjob-a", new PageRequest(null, 5, true)).data()))
                .containsExactly("ftchkpt-a", "ftchkpt-b", "ftchkpt-c");

        assertThat(ids(store.all("ftjob-a"))).containsExactly("ftchkpt-a", "ftchkpt-b", "ftchkpt-c");
        assertThat(ids(store.all("ftjob-b"))).containsExactly("ftchkpt-x");
        assertThat(store.all("ftjob-none")).isEmpty();
    }

    @Test
    void deleteRemovesOnce() {
        store.insert(checkpoint("ftchkpt-a", "ftjob-a", 10));
        assertThat(store.delete("ftchkpt-a")).isTrue();
        assertThat(store.delete("ftchkpt-a")).isFalse();
        assertThat(store.find("ftchkpt-a")).isEmpty();
        assertThat(store.all("ftjob-a")).isEmpty();
    }

    @Test
    void aDeletedCheckpointsNameCanBeReusedByANewRecord() {
        Checkpoint old = checkpoint("ftchkpt-a", "ftjob-a", 10);
        store.insert(old);
        store.delete(old.id());
        Checkpoint renamed = new Checkpoint(old.id(), old.jobId(), old.createdAt(), old.stepNumber(), "m.ft-final",
                old.metrics(), old.dir());
        store.insert(renamed);
        assertThat(store.find("m.ft-final")).contains(renamed);
        assertThat(store.find(old.fineTunedModelCheckpoint())).isEmpty();
    }

    private static List<String> ids(List<Checkpoint> list) {
        return list.stream().map(Checkpoint::id).toList();
    }
}
