package dev.whetstone.safety;

import java.time.Duration;

/**
 * The service's safety defaults (docs/configuration.md): which classifiers grade the categories when a policy
 * does not say, and whether jobs check their training data. (Model evaluation after training is not built yet:
 * docs/safety.md.)
 *
 * @param lexicon         whether the built-in lexicon runs by default
 * @param guardDeployment a deployment asked as a guard model by default, or null
 * @param guardFormat     how that guard is prompted
 * @param guardTimeout    how long one guard answer may take
 * @param dataEvaluation  whether a job checks its training data before training
 */
public record SafetySettings(boolean lexicon, String guardDeployment, GuardFormat guardFormat, Duration guardTimeout,
                             boolean dataEvaluation) {
    public static SafetySettings defaults() {
        return new SafetySettings(true, null, GuardFormat.LLAMA_GUARD_3, Duration.ofSeconds(30), true);
    }

    public SafetySettings withGuard(String deployment) {
        return new SafetySettings(lexicon, deployment, guardFormat, guardTimeout, dataEvaluation);
    }

    public SafetySettings withLexicon(boolean on) {
        return new SafetySettings(on, guardDeployment, guardFormat, guardTimeout, dataEvaluation);
    }

    public SafetySettings withDataEvaluation(boolean on) {
        return new SafetySettings(lexicon, guardDeployment, guardFormat, guardTimeout, on);
    }
}
