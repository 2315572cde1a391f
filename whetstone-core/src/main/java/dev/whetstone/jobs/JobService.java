package dev.whetstone.jobs;

import dev.whetstone.Ids;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.error.ApiException;
import dev.whetstone.files.FileUsage;
import dev.whetstone.store.JobStore;
import dev.whetstone.error.ErrorCode;
import dev.whetstone.files.FileRecord;
import dev.whetstone.files.FileService;
import dev.whetstone.store.Page;
import dev.whetstone.store.PageRequest;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Fine-tuning jobs as clients see them (docs/reference/API.md §3): create checks every reference and stores a pending job that a
 * worker claims; cancel, pause and resume change the status at once and leave flags the running worker reads at
 * its next step boundary.
 */
public final class JobService {
    private final JobStores stores;
    private final ModelResolver resolver;
    private final CreateChecks checks;
    private final JobEvents events;
    private final FineTunedModels fineTunedModels;
    private final Clock clock;
    private final int maxActiveJobs;

    /** @param maxActiveJobs jobs not yet finished that may exist at once; more is 429 quotaExceeded */
    public JobService(JobStores stores, ModelResolver resolver, FileService files, FineTunedModels fineTunedModels,
                      Clock clock, int maxActiveJobs) {
        this.stores = stores;
        this.resolver = resolver;
        this.checks = new CreateChecks(files);
        this.events = new JobEvents(stores.events(), clock);
        this.fineTunedModels = fineTunedModels;
        this.clock = clock;
        this.maxActiveJobs = maxActiveJobs;
    }

    public FineTuningJob create(JobRequest request) {
        return create(request, jobId -> {});
    }

    /**
     * @param recordOwner told the new job's id before the job is stored, to record the account that owns it (and
     *                    so its fine-tuned model); a failure there leaves no job behind
     */
    public FineTuningJob create(JobRequest request, java.util.function.Consumer<String> recordOwner) {
        if (request.model() == null || request.model().isBlank()) {
            throw ApiException.invalid("model", "The 'model' field is required.");
        }
        ResolvedModel model = resolver.resolve(request.model());
        TrainingSpec.Hyperparameters h = request.hyperparameters();
        MetricsRow.Kind method = h == null ? MetricsRow.Kind.SUPERVISED : h.preference() ? MetricsRow.Kind.PREFERENCE
                : h.reinforcementRun() ? MetricsRow.Kind.REINFORCEMENT : MetricsRow.Kind.SUPERVISED;
        FileRecord training = checks.trainingFile(request.trainingFile(), "training_file", model,
                CreateChecks.MIN_TRAINING_EXAMPLES, method);
        FileRecord validation = request.validationFile() == null ? null
                : checks.trainingFile(request.validationFile(), "validation_file", model, 1, method);
        FineTuningJob job = newJob(request, training, validation);
        int active = stores.jobs().countActive();
        if (active >= maxActiveJobs) {
            throw new ApiException(ErrorCode.QUOTA_EXCEEDED, "There are already " + active + " unfinished fine-tuning "
                    + "jobs, the limit of this service; wait until one finishes or cancel one.", null);
        }
        recordOwner.accept(job.id());
        stores.jobs().insert(job);
        events.info(job.id(), "Validated training file " + training.id() + describe(training) + ".");
        if (validation != null) {
            events.info(job.id(), "Validated validation file " + validation.id() + describe(validation) + ".");
        }
        for (JobIntegration integration : job.integrations()) {
            events.info(job.id(), "Recorded the " + integration.type() + " integration (project '"
                    + integration.wandb().project() + "'): it is stored with the job but not called, because this "
                    + "service does not send metrics to Weights and Biases.");
        }
        events.info(job.id(), "Job enqueued. Waiting for jobs ahead to complete.");
        return job;
    }

    private FineTuningJob newJob(JobRequest request, FileRecord training, FileRecord validation) {
        String suffix = CreateChecks.suffix(request.suffix());
        TrainingSpec.Hyperparameters hyper = CreateChecks.hyperparameters(request.hyperparameters());
        long seed = CreateChecks.seed(request.seed());
        Map<String, String> metadata = JobMetadata.check(request.metadata());
        List<JobIntegration> integrations = JobIntegration.check(request.integrations());
        TrainingSpec.Method method = request.method() == null ? TrainingSpec.Method.LORA : request.method();
        // Time-ordered id: jobs created within one second still list newest first.
        return new FineTuningJob(Ids.newOrderedId("ftjob-", clock.millis()), clock.instant().getEpochSecond(),
                JobStatus.PENDING, request.model(), training.id(), validation == null ? null : validation.id(), suffix,
                seed, hyper, null, method, null, List.of(), null, null, null, null, 0, null, null, false, false, null, metadata,
                integrations);
    }

    private static String describe(FileRecord file) {
        var s = file.statistics();
        if (s == null) return "";
        String kind = "preference".equals(s.format()) ? "preference pairs" : s.format() + " examples";
        return ": " + s.examples() + " " + kind + ", about " + s.estimatedTokens() + " tokens";
    }

    public FineTuningJob get(String id) {
        return stores.jobs().find(id).orElseThrow(() -> ApiException.notFound("Fine-tuning job", id));
    }

    public Page<FineTuningJob> list(PageRequest page) { return stores.jobs().list(page); }

    /** The list narrowed to jobs whose metadata matches ({@code metadata[k]=v}, or jobs without metadata). */
    public Page<FineTuningJob> list(PageRequest page, JobFilter filter) { return stores.jobs().list(page, filter); }

    /** Azure answers with the job already cancelled; a worker running it stops at its next step boundary. */
    public FineTuningJob cancel(String id) {
        FineTuningJob done = change(id, j -> {
            if (j.status().isTerminal()) throw finished(j, "cancelled");
            return j.toBuilder().status(JobStatus.CANCELLED).cancelRequested(true).pauseRequested(false)
                    .finishedAt(clock.instant().getEpochSecond()).estimatedFinish(null).build();
        });
        events.info(id, "Job cancelled.");
        return done;
    }

    public FineTuningJob pause(String id) {
        FineTuningJob pausing = change(id, j -> {
            if (j.status() != JobStatus.RUNNING) {
                throw ApiException.wrongState("Job '" + id + "' is " + j.status().wireName() + "; only a running job can be paused.");
            }
            return j.toBuilder().status(JobStatus.PAUSING).pauseRequested(true).build();
        });
        events.info(id, "Job pausing: it stops after the current step and keeps its progress.");
        return pausing;
    }

    public FineTuningJob resume(String id) {
        FineTuningJob resuming = change(id, j -> {
            if (j.status() != JobStatus.PAUSED) {
                throw ApiException.wrongState("Job '" + id + "' is " + j.status().wireName() + "; only a paused job can be resumed.");
            }
            return j.toBuilder().status(JobStatus.RESUMING).pauseRequested(false).build();
        });
        events.info(id, "Job resuming: it continues where it paused once a worker is free.");
        return resuming;
    }

    /** Azure's way to delete a fine-tuned model: the job goes, with its model, checkpoints, events and folder. */
    public void delete(String id) {
        FineTuningJob job = get(id);
        if (!job.status().isTerminal()) {
            throw ApiException.wrongState("Job '" + id + "' is " + job.status().wireName()
                    + "; cancel it first, or wait until it has finished.");
        }
        fineTunedModels.deleteProductsOf(job);
        stores.events().deleteAll(id);
        stores.jobs().delete(id);
    }

    public Page<JobEvent> events(String id, PageRequest page) {
        get(id);
        return stores.events().list(id, page);
    }

    public Page<Checkpoint> checkpoints(String id, PageRequest page) {
        get(id);
        return stores.checkpoints().list(id, page);
    }

    public List<MetricsRow> metrics(String id) {
        get(id);
        return stores.events().metrics(id);
    }

    /** For {@code FileService}: files of unfinished jobs cannot be deleted. */
    public static FileUsage fileUsage(JobStore jobs) {
        return fileId -> jobs.activeJobUsingFile(fileId)
                .map(j -> "fine-tuning job " + j.id() + " (status " + j.status().wireName() + ")");
    }

    private FineTuningJob change(String id, java.util.function.UnaryOperator<FineTuningJob> change) {
        return JobUpdates.apply(stores.jobs(), id, change).orElseThrow(() -> ApiException.notFound("Fine-tuning job", id));
    }

    private static ApiException finished(FineTuningJob j, String verb) {
        return ApiException.wrongState("Job '" + j.id() + "' has already " + j.status().wireName()
                + " and cannot be " + verb + ".");
    }
}
