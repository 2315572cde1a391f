package dev.whetstone.engine.torch.train;

import dev.whetstone.engine.RewardFunction;
import dev.whetstone.engine.TrainingSpec;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import dev.whetstone.engine.torch.infer.JsonConstraint;
import dev.whetstone.engine.torch.data.TokenizedExample;
import java.nio.file.Path;
import java.util.List;

/**
 * One training run over tokenized data.
 *
 * @param baseModelDir   Hugging Face model folder
 * @param initDir        continuous fine-tuning: a PEFT adapter (merged into the base, then a new adapter is trained)
 *                       or a full checkpoint (used as the base); null to start from the base
 * @param training       tokenized training examples in file order
 * @param validation     tokenized validation examples (may be empty)
 * @param hyperparameters requested values, null fields auto
 * @param seed           drives shuffling, LoRA initialisation and dropout
 * @param workDir        checkpoints and resume state; an existing resume state there is continued
 * @param grading        a reinforcement run's grader and decoding; null for other runs
 */
public record FineTuneRequest(Path baseModelDir, Path initDir, List<TokenizedExample> training,
                              List<TokenizedExample> validation, TrainingSpec.Hyperparameters hyperparameters,
                              TrainingSpec.Method method, long seed, Path workDir, TrainingOptions options,
                              Grading grading) {
    /** A supervised or DPO run. */
    public FineTuneRequest(Path baseModelDir, Path initDir, List<TokenizedExample> training,
                           List<TokenizedExample> validation, TrainingSpec.Hyperparameters hyperparameters,
                           TrainingSpec.Method method, long seed, Path workDir, TrainingOptions options) {
        this(baseModelDir, initDir, training, validation, hyperparameters, method, seed, workDir, options, null);
    }

    /**
     * What a reinforcement run needs beyond the prompts: the reward of an answer, the answer's text from its tokens,
     * the ids that end an answer, and the constraint each sampled answer must satisfy.
     *
     * @param answerConstraint a fresh constraint for one answer (its state starts empty), or null: free text
     */
    public record Grading(RewardFunction rewards, Function<int[], String> decode, Set<Integer> stopIds,
                          Supplier<JsonConstraint<?>> answerConstraint) {
        /** Free-text answers. */
        public Grading(RewardFunction rewards, Function<int[], String> decode, Set<Integer> stopIds) {
            this(rewards, decode, stopIds, null);
        }
    }

    public FineTuneRequest {
        training = List.copyOf(training);
        validation = List.copyOf(validation);
        if (hyperparameters == null) hyperparameters = TrainingSpec.Hyperparameters.auto();
        if (method == null) method = TrainingSpec.Method.LORA;
        if (options == null) options = TrainingOptions.defaults();
    }
}
