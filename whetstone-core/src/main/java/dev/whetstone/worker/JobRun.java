package dev.whetstone.worker;

import dev.whetstone.data.TrainingExample;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whetstone.engine.RewardFunction;
import dev.whetstone.data.image.JobImageCache;
import dev.whetstone.engine.TrainingException;
import dev.whetstone.engine.TrainingOutcome;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.error.ApiException;
import dev.whetstone.graders.Grader;
import dev.whetstone.graders.Graders;
import dev.whetstone.graders.GradingSample;
import dev.whetstone.jobs.FineTuningJob;
import dev.whetstone.jobs.JobError;
import dev.whetstone.jobs.JobEvent;
import dev.whetstone.jobs.JobPaths;
import dev.whetstone.jobs.Checkpoint;
import dev.whetstone.artifacts.ArtifactStore;
import dev.whetstone.jobs.ResolvedModel;
import dev.whetstone.safety.DataEvaluation;
import dev.whetstone.safety.ModelEvaluation;
import dev.whetstone.safety.SafetyCheck;
import dev.whetstone.safety.SafetyClassifier;
import dev.whetstone.safety.SafetyEvaluation;
import dev.whetstone.store.Page;
import dev.whetstone.store.PageRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed job: resolves the model folders, reads the examples, trains, and settles the outcome
 * ({@link JobOutcomes}). Every failure ends the job as failed with a message saying why; an {@link Error}
 * (the JVM itself failing) is left to escape, which looks to the queue like a crash: the lease expires and
 * another worker takes over.
 */
final class JobRun {
    private static final Logger LOG = LoggerFactory.getLogger(JobRun.class);

    /** The job's {@code error.code} when its training data fails the content check. */
    static final String HARMFUL_CONTENT = "harmful_content";

    /** Training data the content check refused; the message is Azure's. */
    private static final class HarmfulData extends RuntimeException {
        HarmfulData(String message) {
            super(message);
        }
    }

    private final RunContext run;
    private final FineTuningJob claimed;
    private final ResolvedModel model;

    JobRun(RunContext run, FineTuningJob claimed, ResolvedModel model) {
        this.run = run;
        this.claimed = claimed;
        this.model = model;
    }

    void execute() {
        JobOutcomes outcomes = new JobOutcomes(run);
        JobPaths paths = run.env().paths();
        // The job's fetched images live in its work folder while it runs; a paused job keeps them for its resume.
        // The folder to continue from (continuous fine-tuning) stays checked out of the artifact cache meanwhile.
        try (ArtifactStore.Checkout base = checkoutBase(paths);
             ArtifactStore.Checkout init = checkoutInit(paths);
             JobImageCache images = prepare(paths)) {
            TrainingSpec spec = spec(base.dir(), images, init);
            evaluateData(spec.training());
            RunListener listener = new RunListener(run, lastReportedStep());
            TrainingOutcome outcome = run.env().trainer().train(spec, listener);
            if (outcome.status() == TrainingOutcome.Status.PAUSED) images.keepOnClose();
            SafetyCheck evaluation = outcome.status() == TrainingOutcome.Status.COMPLETED
                    ? evaluateModel(base.dir(), outcome) : null;
            outcomes.settle(outcome, evaluation);
        } catch (TrainingException e) {
            outcomes.fail(new JobError(errorCode(e.param()), e.getMessage(), e.param()));
        } catch (HarmfulData e) {
            outcomes.fail(new JobError(HARMFUL_CONTENT, e.getMessage(), "training_file"));
        } catch (ApiException e) {
            outcomes.fail(new JobError(errorCode(e.param()), e.getMessage(), e.param()));
        } catch (RuntimeException e) {
            LOG.error("job {} failed unexpectedly", run.jobId(), e);
            outcomes.fail(new JobError("internal_error", "Training failed unexpectedly: " + e
                    + ". The job can be created again; if this repeats, report it with the service log.", null));
        } finally {
            paths.releaseWorkDir(claimed.id()); // where the store is elsewhere, everything kept is stored by now
        }
    }

    /** The work folder with the job's stored state (resume point, newest checkpoint), and its image cache. */
    private JobImageCache prepare(JobPaths paths) {
        List<Checkpoint> checkpoints = run.env().stores().checkpoints().all(claimed.id());
        paths.prepareWorkDir(claimed.id(), checkpoints.isEmpty() ? null : checkpoints.getLast().dir());
        return new JobImageCache(run.env().images(), paths.workDir(claimed.id()).resolve(JobImageCache.FOLDER));
    }

    /** The base model's folder, from the models directory or the object store (cached, pinned for the run). */
    private ArtifactStore.Checkout checkoutBase(JobPaths paths) {
        try {
            return model.base().checkout(paths.artifacts());
        } catch (IOException e) {
            throw ApiException.invalid("model", "Base model '" + model.base().id() + "' could not be read from"
                    + " storage: " + e.getMessage());
        }
    }

    /** The adapter or checkpoint a continued job starts from, pinned in the cache for the run; null for a base. */
    private ArtifactStore.Checkout checkoutInit(JobPaths paths) {
        if (model.initDir() == null) return null;
        try {
            return paths.artifacts().checkout(model.initDir());
        } catch (IOException e) {
            throw ApiException.invalid("model", "The model to continue from, '" + model.name()
                    + "', could not be read from storage: " + e.getMessage());
        }
    }

    private TrainingSpec spec(Path baseDir, JobImageCache images, ArtifactStore.Checkout init) {
        List<TrainingExample> training = read(claimed.trainingFile(), "training_file");
        List<TrainingExample> validation = claimed.validationFile() == null ? List.of()
                : read(claimed.validationFile(), "validation_file");
        return new TrainingSpec(baseDir, init == null ? null : init.dir(), training, validation, claimed.requested(), claimed.method(),
                claimed.seed(), run.env().paths().workDir(claimed.id()), images, rewards());
    }

    /**
     * A reinforcement job's reward: its grader (checked at creation, parsed again here) run on each sampled answer
     * with the prompt's line as {@code item}; a grader error on one answer is reward 0, as the graders API reports it.
     */
    private RewardFunction rewards() {
        if (!claimed.reinforcement()) return null;
        Graders graders = run.env().graders();
        if (graders == null) {
            throw ApiException.invalid("method", "This worker has no graders configured, so it cannot run"
                    + " reinforcement jobs.");
        }
        Grader grader;
        try {
            grader = graders.parse(new ObjectMapper().readTree(claimed.requested().reinforcement().grader()),
                    "method.reinforcement.grader");
        } catch (JsonProcessingException e) {
            throw ApiException.invalid("method.reinforcement.grader", "The job's stored grader is not JSON: "
                    + e.getOriginalMessage());
        }
        return (answer, item) -> graders.run(grader, GradingSample.of(answer, item)).reward();
    }

    /**
     * The first phase (docs/safety.md, "Data evaluation"): harmful training data fails the job with Azure's
     * message and {@code error.code} {@value #HARMFUL_CONTENT}, before any training. Events say whether it ran.
     */
    private void evaluateData(List<TrainingExample> training) {
        // Planning comes after this phase, so a job planned before (taken over, resumed) has passed it; files never
        // change, so the verdict stands and the events are not repeated.
        if (claimed.resolved() != null) return;
        SafetyClassifier classifier = run.env().dataEvaluation();
        if (classifier == null) {
            record(SafetyCheck.skipped(), null);
            run.events().info(run.jobId(), "Data evaluation skipped: switched off on this service.");
            return;
        }
        run.events().info(run.jobId(), "Data evaluation started.");
        DataEvaluation.Result result = DataEvaluation.evaluate(training, classifier);
        if (!result.passed()) {
            record(SafetyCheck.dataFailed(result.failed(), result.details()), null);
            run.events().error(run.jobId(), "Data evaluation failed: " + result.details() + ".");
            throw new HarmfulData(result.message());
        }
        record(SafetyCheck.dataPassed(training.size()), null);
        run.events().info(run.jobId(), "Data evaluation passed: " + training.size() + " examples checked.");
    }

    /** Stores a phase's outcome on the job (the other phase is kept): {@code safety_evaluation} in its JSON. */
    private void record(SafetyCheck data, SafetyCheck model) {
        run.whileOwner(j -> {
            SafetyEvaluation e = SafetyEvaluation.of(j.safetyEvaluation());
            if (data != null) e = e.withData(data);
            if (model != null) e = e.withModel(model);
            return j.toBuilder().safetyEvaluation(e).build();
        });
    }

    /**
     * The last phase (docs/safety.md, "Model evaluation"): the trained model answers the probe prompts and the
     * evaluation policy judges the answers. A failed model is registered but not deployable; the job still
     * succeeds, as on Azure. Null when the job ended meanwhile (cancelled, taken over): nothing to evaluate for.
     */
    private SafetyCheck evaluateModel(Path baseDir, TrainingOutcome outcome) {
        var job = run.current();
        if (job.isEmpty() || !run.owned(job.get()) || job.get().status().isTerminal()) return null;
        ModelEvaluation evaluation = run.env().modelEvaluation();
        if (evaluation == null) {
            run.events().info(run.jobId(), "Model evaluation skipped: switched off on this service.");
            return SafetyCheck.skipped();
        }
        run.events().info(run.jobId(), "Model evaluation started: " + evaluation.probes().probes().size()
                + " probe prompts (" + evaluation.probes().version() + ").");
        SafetyCheck check;
        try {
            check = evaluation.evaluate("model-evaluation-" + run.jobId(), baseDir, outcome.modelDir());
        } catch (InterruptedException e) { // the worker is stopping: the job goes back to the queue, unevaluated
            Thread.currentThread().interrupt();
            return null;
        }
        switch (check.status()) {
            case PASSED -> run.events().info(run.jobId(), "Model Evaluation Passed.");
            case FAILED -> run.events().warning(run.jobId(), "Model evaluation failed: the model scores above the "
                    + "acceptable rate of " + check.maxRate() + " for [" + check.failed().stream()
                    .map(c -> c.title() + " " + check.flaggedRates().get(c)).collect(Collectors.joining(", "))
                    + "]; it cannot be deployed.");
            case ERROR -> run.events().warning(run.jobId(), "Model evaluation could not be completed: " + check.detail()
                    + "; the model cannot be deployed.");
            case SKIPPED -> run.events().info(run.jobId(), "Model evaluation skipped: " + check.detail() + ".");
        }
        return check;
    }

    /** A file that cannot be read now (deleted, unparsable) fails the job naming the field it came from. */
    private List<TrainingExample> read(String fileId, String param) {
        try {
            return run.env().data().read(fileId);
        } catch (ApiException | IOException e) {
            throw ApiException.invalid(param, "File '" + fileId + "' could not be read: " + e.getMessage());
        }
    }

    /**
     * The newest step a metrics event exists for, so a run resumed from an earlier resume point does not report
     * the replayed steps a second time. Events are newest first; the newest metrics event is near the top.
     */
    private int lastReportedStep() {
        String after = null;
        while (true) {
            Page<JobEvent> page = run.env().stores().events().list(run.jobId(), new PageRequest(after, 50, false));
            for (JobEvent e : page.data()) {
                if ("metrics".equals(e.type()) && e.data() != null && e.data().get("step") instanceof Number n) {
                    return n.intValue();
                }
            }
            if (!page.hasMore() || page.data().isEmpty()) return 0;
            after = page.data().getLast().id();
        }
    }

    static String errorCode(String param) {
        if ("training_file".equals(param)) return "invalid_training_file";
        if ("validation_file".equals(param)) return "invalid_validation_file";
        if ("model".equals(param)) return "invalid_model";
        return "training_failed";
    }
}
