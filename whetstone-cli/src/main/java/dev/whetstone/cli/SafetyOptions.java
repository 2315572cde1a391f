package dev.whetstone.cli;

import dev.whetstone.safety.SafetySettings;
import picocli.CommandLine.Option;

/** The content-safety options of {@code serve} and {@code worker} (docs/configuration.md, docs/safety.md). */
final class SafetyOptions {
    @Option(names = "--content-lexicon", negatable = true, fallbackValue = "true",
            defaultValue = "${env:WHETSTONE_CONTENT_LEXICON:-true}",
            description = "Grade content with the built-in lexicon when a policy does not say (default ${DEFAULT-VALUE}).")
    boolean lexicon;

    @Option(names = "--guard-deployment", defaultValue = "${env:WHETSTONE_GUARD_DEPLOYMENT}",
            description = "A deployment asked as a Llama Guard 3 style guard model when a policy does not name one.")
    String guardDeployment;

    @Option(names = "--data-evaluation", negatable = true, fallbackValue = "true",
            defaultValue = "${env:WHETSTONE_DATA_EVALUATION:-true}",
            description = "Check training data for harmful content before training (default ${DEFAULT-VALUE}).")
    boolean dataEvaluation;

    SafetySettings settings() {
        String guard = guardDeployment == null || guardDeployment.isBlank() ? null : guardDeployment.strip();
        return SafetySettings.defaults().withLexicon(lexicon).withGuard(guard)
                .withDataEvaluation(dataEvaluation);
    }
}
