package dev.whetstone.worker;

import dev.whetstone.Ids;
import dev.whetstone.jobs.Checkpoint;
import dev.whetstone.jobs.JobPaths;
import dev.whetstone.jobs.MetricsRow;
import dev.whetstone.store.CheckpointStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a job's checkpoints and keeps only the newest few (records and folders), as Azure keeps three: on
 * success the newest is the fine-tuned model itself and carries its name (docs/reference/API.md 3.11).
 */
final class CheckpointKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointKeeper.class);

    private final RunContext run;
    private final CheckpointStore store;

    CheckpointKeeper(RunContext run) {
        this.run = run;
        this.store = run.env().stores().checkpoints();
    }

    /** A replayed epoch end after a takeover must not add a second checkpoint for the same step. */
    boolean has(int step) {
        return store.all(run.jobId()).stream().anyMatch(c -> c.stepNumber() == step);
    }

    void add(Checkpoint checkpoint) {
        store.insert(checkpoint);
        prune();
    }

    /**
     * Names the final model's checkpoint after the model: the newest checkpoint when it is of the last step
     * (re-inserted under the same id), else a new one for the final model folder.
     */
    void finish(int finalStep, Path modelDir, MetricsRow finalRow) {
        List<Checkpoint> all = store.all(run.jobId());
        Checkpoint newest = all.isEmpty() ? null : all.getLast();
        if (newest != null && newest.stepNumber() == finalStep) {
            store.delete(newest.id());
            store.insert(new Checkpoint(newest.id(), newest.jobId(), newest.createdAt(), newest.stepNumber(),
                    run.fineTunedModel(), newest.metrics(), newest.dir()));
        } else if (newest == null || newest.stepNumber() < finalStep) {
            store.insert(new Checkpoint(Ids.newId("ftchkpt-"), run.jobId(), run.nowSeconds(), finalStep,
                    run.fineTunedModel(), finalRow == null ? Map.of() : finalRow.checkpointMetrics(),
                    run.env().paths().relative(modelDir)));
        }
        prune();
    }

    private void prune() {
        List<Checkpoint> all = store.all(run.jobId());
        int excess = all.size() - run.env().settings().keepCheckpoints();
        JobPaths paths = run.env().paths();
        for (Checkpoint old : all.subList(0, Math.max(0, excess))) {
            store.delete(old.id());
            boolean shared = all.stream().anyMatch(c -> c != old && c.dir().equals(old.dir()));
            if (!shared) {
                try {
                    paths.deleteFolder(run.jobId(), old.dir());
                } catch (RuntimeException e) {
                    LOG.warn("could not delete the folder of checkpoint {}: {}", old.id(), e.getMessage());
                }
            }
        }
    }

}
