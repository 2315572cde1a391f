package dev.whetstone.worker;

import dev.whetstone.data.image.UrlImageLoader;
import dev.whetstone.safety.SafetyClassifier;
import dev.whetstone.engine.Trainer;
import dev.whetstone.files.FileService;
import dev.whetstone.jobs.JobPaths;
import dev.whetstone.jobs.JobStores;
import dev.whetstone.jobs.ModelResolver;
import java.time.Clock;

/**
 * Everything a worker uses, shared by all workers of a process.
 *
 * @param dataEvaluation grades training data before training (docs/safety.md); null when the service switched
 *                       data evaluation off
 * @param images         fetches and decodes training images; each job wraps it in its own image cache
 */
public record WorkerEnvironment(
        JobStores stores,
        ModelResolver models,
        FileService files,
        TrainingData data,
        Trainer trainer,
        JobPaths paths,
        Clock clock,
        WorkerSettings settings,
        SafetyClassifier dataEvaluation,
        UrlImageLoader images) {

    /** Images through the production loader, private and loopback targets refused. */
    public WorkerEnvironment(JobStores stores, ModelResolver models, FileService files, TrainingData data,
                             Trainer trainer, JobPaths paths, Clock clock, WorkerSettings settings,
                             SafetyClassifier dataEvaluation) {
        this(stores, models, files, data, trainer, paths, clock, settings, dataEvaluation,
                UrlImageLoader.withDefaults(false));
    }
}
