package dev.whetstone.engine;

import dev.whetstone.data.TrainingExample;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything one training run needs.
 *
 * @param baseModelDir   a Hugging Face checkpoint folder (config.json, *.safetensors, tokenizer files)
 * @param initAdapterDir a PEFT adapter or full checkpoint to start from (continuous fine-tuning), or null
 * @param training       training examples, in file order (the trainer shuffles them from the seed)
 * @param validation     validation examples, possibly empty
 * @param hyperparameters requested values; null fields mean "auto" and are resolved by the trainer
 * @param method         LoRA (default) or full fine-tuning
 * @param seed           drives shuffling, initialisation and dropout
 * @param workDir        where checkpoints and resume state are written; an existing resume state there is continued
 */
public record TrainingSpec(
        Path baseModelDir,
        Path initAdapterDir,
        List<TrainingExample> training,
        List<TrainingExample> validation,
        Hyperparameters hyperparameters,
        Method method,
        long seed,
        Path workDir) {

    public enum Method { LORA, FULL }

    /** Requested hyperparameters; null means auto. */
    public record Hyperparameters(Integer nEpochs, Integer batchSize, Double learningRateMultiplier) {
        public static Hyperparameters auto() { return new Hyperparameters(null, null, null); }
    }
}
