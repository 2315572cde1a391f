package dev.whetstone.safety;

/**
 * Which safety phases of a job ran and how they ended (docs/safety.md); the job's {@code safety_evaluation}
 * (a Whetstone extension). A phase not reached yet is null.
 *
 * @param data  the training-data check before training
 * @param model the fine-tuned model's check after training
 */
public record SafetyEvaluation(SafetyCheck data, SafetyCheck model) {
    public static SafetyEvaluation of(SafetyEvaluation existing) {
        return existing == null ? new SafetyEvaluation(null, null) : existing;
    }

    public SafetyEvaluation withData(SafetyCheck check) { return new SafetyEvaluation(check, model); }

    public SafetyEvaluation withModel(SafetyCheck check) { return new SafetyEvaluation(data, check); }
}
