package dev.whetstone.server;

import dev.whetstone.engine.Trainer;
import dev.whetstone.jobs.JobStores;
import dev.whetstone.queue.TrainingData;
import dev.whetstone.queue.WorkerSettings;
import java.time.Clock;

/**
 * What fine-tuning jobs need from the outside: their stores, the trainer, the JSONL reader the workers get examples
 * through, and how many in-process workers to run (0 for an API-only replica; `whetstone worker` runs them).
 *
 * @param maxActiveJobs unfinished jobs allowed at once; more is 429 quotaExceeded
 * @param clock         leases, timestamps and ETAs (tests pass a manual clock)
 */
record JobWiring(JobStores stores, Trainer trainer, TrainingData.ExampleReader reader, int workers, int maxActiveJobs,
                 WorkerSettings workerSettings, Clock clock) {
    /** Workers, quota and lease as {@code config} says, on the system clock. */
    static JobWiring of(ServerConfig config, JobStores stores, Trainer trainer, TrainingData.ExampleReader reader) {
        return new JobWiring(stores, trainer, reader, config.workers(), config.maxActiveJobs(), config.workerSettings(),
                Clock.systemUTC());
    }
}
