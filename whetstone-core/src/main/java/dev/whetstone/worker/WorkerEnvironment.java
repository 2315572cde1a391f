package dev.whetstone.worker;

import dev.whetstone.data.image.UrlImageLoader;
import dev.whetstone.safety.ModelEvaluation;
import dev.whetstone.safety.SafetyClassifier;
import dev.whetstone.engine.Trainer;
import dev.whetstone.files.FileService;
import dev.whetstone.graders.Graders;
import dev.whetstone.jobs.JobPaths;
import dev.whetstone.jobs.JobStores;
import dev.whetstone.jobs.ModelResolver;
import java.time.Clock;

/**
 * Everything a worker uses, shared by all workers of a process.
 *
 * @param dataEvaluation grades training data before training (docs/safety.md); null when the service switched
 *                       data evaluation off
 * @param modelEvaluation checks the fine-tuned model's answers after training (docs/safety.md); null when the
 *                        service switched model evaluation off
 * @param images         fetches and decodes training images; each job wraps it in its own image cache
 * @param graders        grades reinforcement jobs' sampled answers (the service's own graders: model graders run on
 *                       its deployments); null where the process has none
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
        ModelEvaluation modelEvaluation,
        UrlImageLoader images,
        Graders graders) {

    /**
     * Images through the production loader, private and loopback targets refused; without graders (reinforcement
     * jobs fail, saying the service cannot grade).
     */
    public WorkerEnvironment(JobStores stores, ModelResolver models, FileService files, TrainingData data,
                             Trainer trainer, JobPaths paths, Clock clock, WorkerSettings settings,
                             SafetyClassifier dataEvaluation, ModelEvaluation modelEvaluation) {
        this(stores, models, files, data, trainer, paths, clock, settings, dataEvaluation, modelEvaluation,
                UrlImageLoader.withDefaults(false), null);
    }
}
