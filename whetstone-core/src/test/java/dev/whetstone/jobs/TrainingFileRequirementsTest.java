package dev.whetstone.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.files.FileStatistics;
import org.junit.jupiter.api.Test;

/** Job creation's demands on a validated file, shared with prepare-data. */
class TrainingFileRequirementsTest {
    @Test
    void aFileInTheModelsFormatWithEnoughExamplesPasses() {
        assertThat(TrainingFileRequirements.problem(new FileStatistics("chat", 10, 100), "File 'f'", "training_file",
                true, "tiny-chat", TrainingFileRequirements.MIN_TRAINING_EXAMPLES, false)).isNull();
    }

    @Test
    void theFormatIsCheckedBeforeTheCount() {
        assertThat(TrainingFileRequirements.problem(new FileStatistics("chat", 3, 30), "File 'f'", "training_file",
                false, "tiny-completion", 10, false)).isEqualTo("File 'f' is in chat format, but model 'tiny-completion' has no chat"
                + " template: use lines like {\"prompt\": \"...\", \"completion\": \"...\"}.");
        assertThat(TrainingFileRequirements.problem(new FileStatistics("prompt_completion", 3, 30), "File 'f'", "training_file",
                false, "tiny-completion", 10, false)).isEqualTo("File 'f' has 3 examples; training_file needs at least 10.");
    }

    @Test
    void aPreferenceFileIsForDpoJobsOnlyAndDpoJobsTakeNothingElse() {
        FileStatistics pairs = new FileStatistics("preference", 10, 100);
        assertThat(TrainingFileRequirements.problem(pairs, "File 'p'", "training_file", true, "tiny-chat", 10, true))
                .isNull();
        assertThat(TrainingFileRequirements.problem(pairs, "File 'p'", "training_file", true, "tiny-chat", 10, false))
                .isEqualTo("File 'p' holds preference pairs, which DPO trains on: create the job with method"
                        + " {\"type\": \"dpo\"}, or use a file in chat format for supervised fine-tuning.");
        assertThat(TrainingFileRequirements.problem(new FileStatistics("chat", 10, 100), "File 'c'", "training_file",
                true, "tiny-chat", 10, true)).startsWith("File 'c' is in chat format, but a DPO job trains on"
                + " preference pairs: use lines like {\"input\": {\"messages\": [...]}, \"preferred_output\"");
        assertThat(TrainingFileRequirements.problem(pairs, "File 'p'", "training_file", false, "tiny-completion", 10,
                true)).isEqualTo("Model 'tiny-completion' has no chat template, and DPO compares chat replies: choose"
                + " a chat model for File 'p'.");
        assertThat(TrainingFileRequirements.problem(new FileStatistics("preference", 3, 30), "File 'p'",
                "training_file", true, "tiny-chat", 10, true)).isEqualTo("File 'p' has 3 examples; training_file needs"
                + " at least 10.");
    }

    @Test
    void aReinforcementJobTakesPromptsOnAChatModelOnly() {
        FileStatistics prompts = new FileStatistics("reinforcement", 10, 100);
        MetricsRow.Kind rl = MetricsRow.Kind.REINFORCEMENT;
        assertThat(TrainingFileRequirements.problem(prompts, "File 'r'", "training_file", true, "tiny-chat", 10, rl))
                .isNull();
        assertThat(TrainingFileRequirements.problem(new FileStatistics("chat", 10, 100), "File 'c'", "training_file",
                true, "tiny-chat", 10, rl)).contains("a reinforcement job trains on prompts");
        assertThat(TrainingFileRequirements.problem(prompts, "File 'r'", "training_file", false, "tiny-completion",
                10, rl)).contains("has no chat template");
        assertThat(TrainingFileRequirements.problem(new FileStatistics("reinforcement", 3, 30), "File 'r'",
                "training_file", true, "tiny-chat", 10, rl)).contains("needs at least 10");
        assertThat(TrainingFileRequirements.problem(prompts, "File 'r'", "training_file", true, "tiny-chat", 10, false))
                .contains("reinforcement fine-tuning prompts");
    }

    @Test
    void aValidationFileNeedsOneExample() {
        assertThat(TrainingFileRequirements.countProblem(new FileStatistics("chat", 1, 5), "File 'v'", "validation_file",
                TrainingFileRequirements.MIN_VALIDATION_EXAMPLES)).isNull();
    }
}
