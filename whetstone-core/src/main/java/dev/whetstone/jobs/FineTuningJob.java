package dev.whetstone.jobs;

import dev.whetstone.engine.ResolvedHyperparameters;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.safety.SafetyEvaluation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fine-tuning job as stored.
 *
 * @param model           the model the client asked for (base id, alias, fine-tuned model or checkpoint)
 * @param requested       hyperparameters as requested; null fields are "auto"
 * @param resolved        what training really uses; null until the worker resolved them
 * @param resultFiles     file ids of results.csv; empty until it exists
 * @param version         bumped on every update; updates compare it (optimistic concurrency)
 * @param leaseOwner      the worker holding the job while it runs, or null
 * @param leaseExpiresAt  epoch milliseconds after which another worker may take the job over
 * @param safetyEvaluation which safety phases ran and how they ended (docs/safety.md); null before the first ran
 * @param metadata        the client's string pairs, or null (set at creation, never changed)
 * @param integrations    requested integrations, recorded and never called (set at creation)
 */
public record FineTuningJob(
        String id,
        long createdAt,
        JobStatus status,
        String model,
        String trainingFile,
        String validationFile,
        String suffix,
        long seed,
        TrainingSpec.Hyperparameters requested,
        ResolvedHyperparameters resolved,
        TrainingSpec.Method method,
        String fineTunedModel,
        List<String> resultFiles,
        Long trainedTokens,
        Long finishedAt,
        Long estimatedFinish,
        JobError error,
        int version,
        String leaseOwner,
        Long leaseExpiresAt,
        boolean cancelRequested,
        boolean pauseRequested,
        SafetyEvaluation safetyEvaluation,
        Map<String, String> metadata,
        List<JobIntegration> integrations) {

    public FineTuningJob {
        resultFiles = List.copyOf(resultFiles);
        metadata = metadata == null || metadata.isEmpty() ? null
                : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        integrations = integrations == null ? List.of() : List.copyOf(integrations);
    }

    /** A job without safety outcomes, metadata or integrations (the 22 fields the queue and the worker deal in). */
    public FineTuningJob(String id, long createdAt, JobStatus status, String model, String trainingFile,
                         String validationFile, String suffix, long seed, TrainingSpec.Hyperparameters requested,
                         ResolvedHyperparameters resolved, TrainingSpec.Method method, String fineTunedModel,
                         List<String> resultFiles, Long trainedTokens, Long finishedAt, Long estimatedFinish,
                         JobError error, int version, String leaseOwner, Long leaseExpiresAt,
                         boolean cancelRequested, boolean pauseRequested) {
        this(id, createdAt, status, model, trainingFile, validationFile, suffix, seed, requested, resolved, method,
                fineTunedModel, resultFiles, trainedTokens, finishedAt, estimatedFinish, error, version, leaseOwner,
                leaseExpiresAt, cancelRequested, pauseRequested, null, null, List.of());
    }

    /** Whether this is a DPO job (it trains on preference pairs). */
    public boolean preference() { return requested != null && requested.preference(); }

    /** Whether this is a reinforcement job (prompts and a grader). */
    public boolean reinforcement() { return requested != null && requested.reinforcementRun(); }

    /** Which metric columns the job's results have. */
    public MetricsRow.Kind metricsKind() {
        return preference() ? MetricsRow.Kind.PREFERENCE
                : reinforcement() ? MetricsRow.Kind.REINFORCEMENT : MetricsRow.Kind.SUPERVISED;
    }

    /** A copy to change a few fields of: {@code job.toBuilder().status(RUNNING).build()}. */
    public Builder toBuilder() { return new Builder(this); }

    /** Copy-and-change for the 25 fields; keeps call sites readable where only two or three change. */
    public static final class Builder {
        private String id;
        private long createdAt;
        private JobStatus status;
        private String model;
        private String trainingFile;
        private String validationFile;
        private String suffix;
        private long seed;
        private TrainingSpec.Hyperparameters requested;
        private ResolvedHyperparameters resolved;
        private TrainingSpec.Method method;
        private String fineTunedModel;
        private List<String> resultFiles;
        private Long trainedTokens;
        private Long finishedAt;
        private Long estimatedFinish;
        private JobError error;
        private int version;
        private String leaseOwner;
        private Long leaseExpiresAt;
        private boolean cancelRequested;
        private boolean pauseRequested;
        private SafetyEvaluation safetyEvaluation;
        private Map<String, String> metadata;
        private List<JobIntegration> integrations;

        private Builder(FineTuningJob j) {
            id = j.id; createdAt = j.createdAt; status = j.status; model = j.model; trainingFile = j.trainingFile;
            validationFile = j.validationFile; suffix = j.suffix; seed = j.seed; requested = j.requested;
            resolved = j.resolved; method = j.method; fineTunedModel = j.fineTunedModel; resultFiles = j.resultFiles;
            trainedTokens = j.trainedTokens; finishedAt = j.finishedAt; estimatedFinish = j.estimatedFinish;
            error = j.error; version = j.version; leaseOwner = j.leaseOwner; leaseExpiresAt = j.leaseExpiresAt;
            cancelRequested = j.cancelRequested; pauseRequested = j.pauseRequested;
            safetyEvaluation = j.safetyEvaluation;
            metadata = j.metadata; integrations = j.integrations;
        }

        public Builder status(JobStatus v) { status = v; return this; }
        public Builder resolved(ResolvedHyperparameters v) { resolved = v; return this; }
        public Builder fineTunedModel(String v) { fineTunedModel = v; return this; }
        public Builder resultFiles(List<String> v) { resultFiles = v; return this; }
        public Builder trainedTokens(Long v) { trainedTokens = v; return this; }
        public Builder finishedAt(Long v) { finishedAt = v; return this; }
        public Builder estimatedFinish(Long v) { estimatedFinish = v; return this; }
        public Builder error(JobError v) { error = v; return this; }
        public Builder version(int v) { version = v; return this; }
        public Builder cancelRequested(boolean v) { cancelRequested = v; return this; }
        public Builder pauseRequested(boolean v) { pauseRequested = v; return this; }
        public Builder safetyEvaluation(SafetyEvaluation v) { safetyEvaluation = v; return this; }

        public Builder lease(String owner, Long expiresAt) {
            leaseOwner = owner;
            leaseExpiresAt = expiresAt;
            return this;
        }

        public FineTuningJob build() {
            return new FineTuningJob(id, createdAt, status, model, trainingFile, validationFile, suffix, seed,
                    requested, resolved, method, fineTunedModel, resultFiles, trainedTokens, finishedAt,
                    estimatedFinish, error, version, leaseOwner, leaseExpiresAt, cancelRequested, pauseRequested,
                    safetyEvaluation, metadata, integrations);
        }
    }
}
