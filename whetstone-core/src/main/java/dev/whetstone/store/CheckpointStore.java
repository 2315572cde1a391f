package dev.whetstone.store;

import dev.whetstone.jobs.Checkpoint;
import java.util.List;
import java.util.Optional;

public interface CheckpointStore {
    void insert(Checkpoint checkpoint);

    /** Newest first (highest step); {@code after} is a checkpoint id. */
    Page<Checkpoint> list(String jobId, PageRequest page);

    /** All of a job's checkpoints, oldest first. */
    List<Checkpoint> all(String jobId);

    /** By {@code ftchkpt-…} id or by {@code fine_tuned_model_checkpoint} name. */
    Optional<Checkpoint> find(String idOrName);

    boolean delete(String id);
}
