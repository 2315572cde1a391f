package dev.whetstone.safety;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The outcome of one safety phase of a job (docs/safety.md): the data evaluation before training or the model
 * evaluation after it. Stored on the job (both phases) and on the fine-tuned model (its evaluation).
 *
 * @param status        what happened
 * @param failed        the categories that failed, in enum order (Azure's order in its messages); empty unless failed
 * @param probeSet      the probe set's version (model evaluation only; null for data)
 * @param flaggedRates  per category, the share of probe answers flagged in it (model evaluation only; empty for data)
 * @param maxRate       the highest acceptable share (model evaluation only; null for data)
 * @param detail        what was checked or why it could not be ("20 probe answers", "guard deployment 'g': not
 *                      found"); never harmful content
 */
public record SafetyCheck(Status status, List<HarmCategory> failed, String probeSet, Map<HarmCategory, Double> flaggedRates,
                          Double maxRate, String detail) {
    public enum Status {
        /** Ran and found nothing above the thresholds. */
        PASSED,
        /** Ran and found categories above the thresholds. */
        FAILED,
        /** Switched off on the service: not run. */
        SKIPPED,
        /** Ran but a classifier gave no verdict, so the outcome is unknown; treated as not deployable. */
        ERROR;

        public String wireName() { return name().toLowerCase(Locale.ROOT); }
    }

    public SafetyCheck {
        failed = List.copyOf(failed);
        flaggedRates = flaggedRates.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new EnumMap<>(flaggedRates));
    }

    public static SafetyCheck skipped() {
        return new SafetyCheck(Status.SKIPPED, List.of(), null, Map.of(), null, "switched off on this service");
    }

    public static SafetyCheck dataPassed(int examples) {
        return new SafetyCheck(Status.PASSED, List.of(), null, Map.of(), null, examples + " examples checked");
    }

    public static SafetyCheck dataFailed(List<HarmCategory> failed, String details) {
        return new SafetyCheck(Status.FAILED, failed, null, Map.of(), null, details);
    }

    /** Whether a model with this evaluation may be deployed: not when it failed or could not be evaluated. */
    public boolean deployable() { return status != Status.FAILED && status != Status.ERROR; }

    /**
     * Why a model with this evaluation cannot be deployed. For a failure, Azure's words: "This model is unable to
     * be deployed. Model evaluation identified that this fine tuned model scores above acceptable thresholds for
     * [Violence, Self Harm]. Please review your training data set and resubmit the job."
     */
    public String undeployableMessage() {
        if (status == Status.ERROR) {
            return "This model is unable to be deployed. Model evaluation could not be completed (" + detail
                    + "). Please resubmit the job once the classifiers are available.";
        }
        return "This model is unable to be deployed. Model evaluation identified that this fine tuned model scores above "
                + "acceptable thresholds for [" + failed.stream().map(HarmCategory::title).collect(Collectors.joining(", "))
                + "]. Please review your training data set and resubmit the job.";
    }
}
