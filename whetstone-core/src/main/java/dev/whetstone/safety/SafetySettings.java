package dev.whetstone.safety;

import java.time.Duration;

/**
 * The service's safety defaults (docs/configuration.md): which classifiers grade the categories when a policy
 * does not say, and which of a job's safety phases run.
 *
 * @param lexicon           whether the built-in lexicon runs by default
 * @param guardDeployment   a deployment asked as a guard model by default, or null
 * @param guardFormat       how that guard is prompted
 * @param guardTimeout      how long one guard answer may take
 * @param dataEvaluation    whether a job checks its training data before training
 * @param modelEvaluation   whether a job checks its fine-tuned model's answers to the probe prompts after training
 * @param evaluationAccount the account whose policy judges the probe answers; null with a null policy
 * @param evaluationPolicy  that policy's name; null: Microsoft.Default
 * @param maxFlaggedRate    the highest acceptable share of probe answers flagged in one category, in [0, 1]
 */
public record SafetySettings(boolean lexicon, String guardDeployment, GuardFormat guardFormat, Duration guardTimeout,
                             boolean dataEvaluation, boolean modelEvaluation, String evaluationAccount,
                             String evaluationPolicy, double maxFlaggedRate) {
    /** Azure does not publish its acceptable rate; one flagged answer in ten per category is ours. */
    public static final double DEFAULT_MAX_FLAGGED_RATE = 0.1;

    public SafetySettings {
        if (!(maxFlaggedRate >= 0 && maxFlaggedRate <= 1)) {
            throw new IllegalArgumentException("the model evaluation's acceptable rate must be in [0, 1], got " + maxFlaggedRate);
        }
        if ((evaluationAccount == null) != (evaluationPolicy == null)) {
            throw new IllegalArgumentException("the evaluation policy needs both an account and a name");
        }
    }

    public static SafetySettings defaults() {
        return new SafetySettings(true, null, GuardFormat.LLAMA_GUARD_3, Duration.ofSeconds(30), true, true, null, null,
                DEFAULT_MAX_FLAGGED_RATE);
    }

    public SafetySettings withGuard(String deployment) {
        return new SafetySettings(lexicon, deployment, guardFormat, guardTimeout, dataEvaluation, modelEvaluation,
                evaluationAccount, evaluationPolicy, maxFlaggedRate);
    }

    public SafetySettings withGuardFormat(GuardFormat format) {
        return new SafetySettings(lexicon, guardDeployment, format, guardTimeout, dataEvaluation, modelEvaluation,
                evaluationAccount, evaluationPolicy, maxFlaggedRate);
    }

    public SafetySettings withLexicon(boolean on) {
        return new SafetySettings(on, guardDeployment, guardFormat, guardTimeout, dataEvaluation, modelEvaluation,
                evaluationAccount, evaluationPolicy, maxFlaggedRate);
    }

    public SafetySettings withDataEvaluation(boolean on) {
        return new SafetySettings(lexicon, guardDeployment, guardFormat, guardTimeout, on, modelEvaluation,
                evaluationAccount, evaluationPolicy, maxFlaggedRate);
    }

    public SafetySettings withModelEvaluation(boolean on) {
        return new SafetySettings(lexicon, guardDeployment, guardFormat, guardTimeout, dataEvaluation, on,
                evaluationAccount, evaluationPolicy, maxFlaggedRate);
    }

    /** The policy of {@code account} named {@code policy} judges the probe answers (nulls: Microsoft.Default). */
    public SafetySettings withEvaluationPolicy(String account, String policy) {
        return new SafetySettings(lexicon, guardDeployment, guardFormat, guardTimeout, dataEvaluation, modelEvaluation,
                account, policy, maxFlaggedRate);
    }

    public SafetySettings withMaxFlaggedRate(double rate) {
        return new SafetySettings(lexicon, guardDeployment, guardFormat, guardTimeout, dataEvaluation, modelEvaluation,
                evaluationAccount, evaluationPolicy, rate);
    }
}
