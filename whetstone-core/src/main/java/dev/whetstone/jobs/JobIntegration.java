package dev.whetstone.jobs;

import dev.whetstone.error.ApiException;
import java.util.List;

/**
 * A third-party integration requested for a job (OpenAI's {@code FineTuningIntegration}; Azure 2025-04). Only
 * Weights and Biases exists in the API. The service stores and returns it; it cannot reach W&B, so the job's
 * events say it was recorded and not called.
 *
 * @param type  always {@code wandb}
 * @param wandb the run's project (required), display name, entity and tags
 */
public record JobIntegration(String type, Wandb wandb) {
    public static final String WANDB = "wandb";
    /** OpenAI's limit on a job's integrations. */
    public static final int MAX_PER_JOB = 5;

    public JobIntegration {
        if (!WANDB.equals(type)) {
            throw ApiException.invalid("integrations.type", "Integration type must be 'wandb', got '" + type + "'.");
        }
        if (wandb == null || wandb.project() == null || wandb.project().isBlank()) {
            throw ApiException.invalid("integrations.wandb.project", "A 'wandb' integration needs 'wandb.project'.");
        }
    }

    /** Null or empty: none; more than {@link #MAX_PER_JOB} is a 400. */
    public static List<JobIntegration> check(List<JobIntegration> integrations) {
        if (integrations == null || integrations.isEmpty()) return List.of();
        if (integrations.size() > MAX_PER_JOB) {
            throw ApiException.invalid("integrations", "A job may have at most " + MAX_PER_JOB + " integrations, got "
                    + integrations.size() + ".");
        }
        return List.copyOf(integrations);
    }

    public record Wandb(String project, String name, String entity, List<String> tags) {
        public Wandb {
            tags = tags == null ? List.of() : List.copyOf(tags);
        }
    }
}
