package dev.whetstone.cli;

import dev.whetstone.safety.GuardFormat;
import dev.whetstone.safety.SafetySettings;
import picocli.CommandLine.Option;

/** The content-safety options of {@code serve} and {@code worker} (docs/configuration.md, docs/safety.md). */
final class SafetyOptions {
    @Option(names = "--content-lexicon", negatable = true, fallbackValue = "true",
            defaultValue = "${env:WHETSTONE_CONTENT_LEXICON:-true}",
            description = "Grade content with the built-in lexicon when a policy does not say (default ${DEFAULT-VALUE}).")
    boolean lexicon;

    @Option(names = "--guard-deployment", defaultValue = "${env:WHETSTONE_GUARD_DEPLOYMENT}",
            description = "A deployment asked as a guard model when a policy does not name one.")
    String guardDeployment;

    @Option(names = "--guard-format", defaultValue = "${env:WHETSTONE_GUARD_FORMAT:-llama-guard-3}",
            description = "How that guard is prompted and read: llama-guard-3, shieldgemma or qwen3guard (default ${DEFAULT-VALUE}).")
    String guardFormat;

    @Option(names = "--data-evaluation", negatable = true, fallbackValue = "true",
            defaultValue = "${env:WHETSTONE_DATA_EVALUATION:-true}",
            description = "Check training data for harmful content before training (default ${DEFAULT-VALUE}).")
    boolean dataEvaluation;

    @Option(names = "--model-evaluation", negatable = true, fallbackValue = "true",
            defaultValue = "${env:WHETSTONE_MODEL_EVALUATION:-true}",
            description = "Check a fine-tuned model's answers to the probe prompts after training; a model that fails "
                    + "cannot be deployed (default ${DEFAULT-VALUE}).")
    boolean modelEvaluation;

    @Option(names = "--evaluation-policy", defaultValue = "${env:WHETSTONE_EVALUATION_POLICY}", paramLabel = "ACCOUNT/POLICY",
            description = "The RAI policy that judges the model evaluation's probe answers (default Microsoft.Default).")
    String evaluationPolicy;

    @Option(names = "--evaluation-max-rate", defaultValue = "${env:WHETSTONE_EVALUATION_MAX_RATE:-0.1}",
            description = "The highest acceptable share of probe answers flagged in one category, 0 to 1 "
                    + "(default ${DEFAULT-VALUE}).")
    double evaluationMaxRate;

    SafetySettings settings() {
        String guard = guardDeployment == null || guardDeployment.isBlank() ? null : guardDeployment.strip();
        GuardFormat format = GuardFormat.fromWire(guardFormat == null ? "" : guardFormat.strip()).orElseThrow(() ->
                new IllegalArgumentException("--guard-format must be one of " + GuardFormat.allowed() + ", got '"
                        + guardFormat + "'"));
        SafetySettings settings = SafetySettings.defaults().withLexicon(lexicon).withGuard(guard).withGuardFormat(format)
                .withDataEvaluation(dataEvaluation).withModelEvaluation(modelEvaluation)
                .withMaxFlaggedRate(evaluationMaxRate);
        if (evaluationPolicy != null && !evaluationPolicy.isBlank()) {
            String[] parts = evaluationPolicy.strip().split("/", -1);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException("--evaluation-policy must be ACCOUNT/POLICY (e.g. myaccount/strict), got '"
                        + evaluationPolicy + "'");
            }
            settings = settings.withEvaluationPolicy(parts[0], parts[1]);
        }
        return settings;
    }
}
