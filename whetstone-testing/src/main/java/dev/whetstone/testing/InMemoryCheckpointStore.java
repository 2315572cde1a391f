package dev.whetstone.testing;

import dev.whetstone.jobs.Checkpoint;
import dev.whetstone.store.CheckpointStore;
import dev.whetstone.store.Page;
import dev.whetstone.store.PageRequest;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link CheckpointStore} in a map. Checked by CheckpointStoreContract like the SQL store. */
public final class InMemoryCheckpointStore implements CheckpointStore {
    private static final Comparator<Checkpoint> BY_STEP =
            Comparator.comparingInt(Checkpoint::stepNumber).thenComparing(Checkpoint::id);

    private final Map<String, Checkpoint> checkpoints = new LinkedHashMap<>();

    @Override
    public synchronized void insert(Checkpoint checkpoint) {
        if (checkpoints.putIfAbsent(checkpoint.id(), checkpoint) != null) {
            throw new IllegalStateException("InMemoryCheckpointStore: checkpoint '" + checkpoint.id() + "' exists");
        }
    }

    @Override
    public synchronized Page<Checkpoint> list(String jobId, PageRequest page) {
        return Paging.page(of(jobId), BY_STEP, Checkpoint::id, page);
    }

    @Override
    public synchronized List<Checkpoint> all(String jobId) {
        return of(jobId).stream().sorted(BY_STEP).toList();
    }

    @Override
    public synchronized Optional<Checkpoint> find(String idOrName) {
        Checkpoint byId = checkpoints.get(idOrName);
        if (byId != null) return Optional.of(byId);
        return checkpoints.values().stream().filter(c -> c.fineTunedModelCheckpoint().equals(idOrName)).findFirst();
    }

    @Override
    public synchronized boolean delete(String id) {
        return checkpoints.remove(id) != null;
    }

    private List<Checkpoint> of(String jobId) {
        return checkpoints.values().stream().filter(c -> c.jobId().equals(jobId)).toList();
    }
}
