package dev.whetstone.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.files.FileStatistics;
import org.junit.jupiter.api.Test;

/** Job creation's demands on a validated file, shared with prepare-data. */
class TrainingFileRequirementsTest {
    @Test
    void aFileInTheModelsFormatWithEnoughExamplesPasses() {
        assertThat(TrainingFileRequirements.problem(new FileStatistics("chat", 10, 100), "File 'f'", "training_file",
                true, "tiny-chat", TrainingFileRequirements.MIN_TRAINING_EXAMPLES)).isNull();
    }

    @Test
    void theFormatIsCheckedBeforeTheCount() {
        assertThat(TrainingFileRequirements.problem(new FileStatistics("chat", 3, 30), "File 'f'", "training_file",
                false, "tiny-completion", 10)).isEqualTo("File 'f' is in chat format, but model 'tiny-completion' has no chat"
                + " template: use lines like {\"prompt\": \"...\", \"completion\": \"...\"}.");
        assertThat(TrainingFileRequirements.problem(new FileStatistics("prompt_completion", 3, 30), "File 'f'", "training_file",
                false, "tiny-completion", 10)).isEqualTo("File 'f' has 3 examples; training_file needs at least 10.");
    }

    @Test
    void aValidationFileNeedsOneExample() {
        assertThat(TrainingFileRequirements.countProblem(new FileStatistics("chat", 1, 5), "File 'v'", "validation_file",
                TrainingFileRequirements.MIN_VALIDATION_EXAMPLES)).isNull();
    }
}
