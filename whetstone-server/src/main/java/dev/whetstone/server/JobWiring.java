package dev.whetstone.server;

import dev.whetstone.engine.Trainer;
import dev.whetstone.jobs.JobStores;
import dev.whetstone.store.ProcessStore;
import dev.whetstone.store.BaseModelStore;
import dev.whetstone.worker.WorkerSettings;
import java.time.Clock;

/**
 * What fine-tuning jobs need from the outside: their stores, the trainer, and how many in-process workers to run
 * (0 for an API-only replica; `whetstone worker` runs them). How examples are read is the core's (TrainingData).
 *
 * @param maxActiveJobs unfinished jobs allowed at once; more is 429 quotaExceeded
 * @param clock         leases, timestamps and ETAs (tests pass a manual clock)
 * @param processes     the process registry: this process's row, which lists the jobs its workers hold
 * @param baseModels    base models registered in the object store, listed beside the models directory's
 */
record JobWiring(JobStores stores, Trainer trainer, int workers, int maxActiveJobs,
                 WorkerSettings workerSettings, Clock clock, ProcessStore processes, BaseModelStore baseModels) {
    /** Without base models in the object store: the models directory only. */
    JobWiring(JobStores stores, Trainer trainer, int workers, int maxActiveJobs, WorkerSettings workerSettings,
              Clock clock, ProcessStore processes) {
        this(stores, trainer, workers, maxActiveJobs, workerSettings, clock, processes, BaseModelStore.NONE);
    }

    /** Workers, quota and lease as {@code config} says, on the system clock. */
    static JobWiring of(ServerConfig config, JobStores stores, ProcessStore processes, Trainer trainer,
                        BaseModelStore baseModels) {
        return new JobWiring(stores, trainer, config.workers(), config.maxActiveJobs(), config.workerSettings(),
                Clock.systemUTC(), processes, baseModels);
    }
}
