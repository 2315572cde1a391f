package dev.whetstone.store;

import dev.whetstone.jobs.Checkpoint;
import java.util.List;
import java.util.Optional;

/** A job's checkpoints. Ids are unique; an existing id is an error on insert. */
public interface CheckpointStore {
    void insert(Checkpoint checkpoint);

    /** Newest first (highest step), or lowest step first when ascending; {@code after} is a checkpoint id.
     *  An unknown {@code after} gives an empty page. */
    Page<Checkpoint> list(String jobId, PageRequest page);

    /** All of a job's checkpoints, oldest (lowest step) first. */
    List<Checkpoint> all(String jobId);

    /** By {@code ftchkpt-…} id or by {@code fine_tuned_model_checkpoint} name. */
    Optional<Checkpoint> find(String idOrName);

    boolean delete(String id);
}
