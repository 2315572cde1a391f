package dev.whetstone.engine;

import dev.whetstone.data.TrainingExample;
import dev.whetstone.data.image.ImageLoader;
import dev.whetstone.data.image.UrlImageLoader;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything one training run needs.
 *
 * @param baseModelDir   a Hugging Face checkpoint folder (config.json, *.safetensors, tokenizer files)
 * @param initAdapterDir a PEFT adapter or full checkpoint to start from (continuous fine-tuning), or null
 * @param training       training examples, in file order (the trainer shuffles them from the seed)
 * @param validation     validation examples, possibly empty
 * @param hyperparameters requested values; null fields mean "auto" and are resolved by the trainer; their
 *                       {@code dpo} part, when present, makes this a preference (DPO) run over
 *                       {@link dev.whetstone.data.PreferenceExample}s
 * @param method         LoRA (default) or full fine-tuning
 * @param seed           drives shuffling, initialisation and dropout
 * @param workDir        where checkpoints and resume state are written; an existing resume state there is continued
 * @param images         turns the examples' image parts into pixels: the worker passes the job's
 *                       {@link dev.whetstone.data.image.JobImageCache} (each image fetched once per job, under the
 *                       service's outbound rules); a vision trainer loads every image through it, never by itself
 * @param rewards        a reinforcement run's grader (the job's, run in core); null for other runs
 */
public record TrainingSpec(
        Path baseModelDir,
        Path initAdapterDir,
        List<TrainingExample> training,
        List<TrainingExample> validation,
        Hyperparameters hyperparameters,
        Method method,
        long seed,
        Path workDir,
        ImageLoader images,
        RewardFunction rewards) {

    /** A supervised or DPO run; images through the production loader without a job cache, private targets refused (tests, benchmarks). */
    public TrainingSpec(Path baseModelDir, Path initAdapterDir, List<TrainingExample> training,
                        List<TrainingExample> validation, Hyperparameters hyperparameters, Method method, long seed,
                        Path workDir) {
        this(baseModelDir, initAdapterDir, training, validation, hyperparameters, method, seed, workDir,
                UrlImageLoader.withDefaults(false), null);
    }

    /** A supervised or DPO run whose images come through {@code images} (the job's image cache). */
    public TrainingSpec(Path baseModelDir, Path initAdapterDir, List<TrainingExample> training,
                        List<TrainingExample> validation, Hyperparameters hyperparameters, Method method, long seed,
                        Path workDir, ImageLoader images) {
        this(baseModelDir, initAdapterDir, training, validation, hyperparameters, method, seed, workDir, images, null);
    }

    public enum Method { LORA, FULL }

    /**
     * Requested hyperparameters; null means auto.
     *
     * @param dpo null for supervised fine-tuning; DPO's own hyperparameters (each possibly auto) for a preference
     *            job. Kept here rather than beside {@link Method} because the API sends them with the others
     *            ({@code method.dpo.hyperparameters}) and the job stores them in the same JSON column.
     */
    public record Hyperparameters(Integer nEpochs, Integer batchSize, Double learningRateMultiplier, Dpo dpo,
                                  Reinforcement reinforcement) {
        public Hyperparameters(Integer nEpochs, Integer batchSize, Double learningRateMultiplier) {
            this(nEpochs, batchSize, learningRateMultiplier, null, null);
        }

        public Hyperparameters(Integer nEpochs, Integer batchSize, Double learningRateMultiplier, Dpo dpo) {
            this(nEpochs, batchSize, learningRateMultiplier, dpo, null);
        }

        public static Hyperparameters auto() { return new Hyperparameters(null, null, null, null, null); }

        /** Whether these are a DPO job's (the training data are preference pairs). */
        public boolean preference() { return dpo != null; }

        /** Whether these are a reinforcement job's (the training data are prompts, a grader scores answers). */
        public boolean reinforcementRun() { return reinforcement != null; }
    }

    /**
     * DPO's hyperparameters as requested; null means auto.
     *
     * @param beta         how far the policy may move from the reference: the scale of the implicit reward
     * @param l2Multiplier Azure's L2 penalty on the trained weights (only 0 is supported)
     */
    public record Dpo(Double beta, Double l2Multiplier) {
        public static Dpo auto() { return new Dpo(null, null); }
    }

    /**
     * Reinforcement fine-tuning's own settings as requested ({@code method.reinforcement}); null numbers mean auto.
     *
     * @param grader            the grader's JSON as the request gave it (checked at creation; parsed again by the
     *                          worker, which turns it into {@link TrainingSpec#rewards()})
     * @param evalInterval      training steps between evaluations on validation prompts
     * @param evalSamples       validation prompts graded per evaluation
     * @param computeMultiplier scales the answers sampled per prompt (the group size)
     * @param reasoningEffort   accepted and reported; no effect on the non-reasoning models this service trains
     * @param responseFormat    {@code method.reinforcement.response_format}'s JSON as the request gave it (checked
     *                          and compiled at creation; the trainer compiles it again and constrains every sampled
     *                          answer to it), or null: answers are free text
     */
    public record Reinforcement(String grader, Integer evalInterval, Integer evalSamples, Double computeMultiplier,
                                String reasoningEffort, String responseFormat) {
        /** Free-text answers. */
        public Reinforcement(String grader, Integer evalInterval, Integer evalSamples, Double computeMultiplier,
                             String reasoningEffort) {
            this(grader, evalInterval, evalSamples, computeMultiplier, reasoningEffort, null);
        }
    }
}
