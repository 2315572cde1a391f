package dev.whetstone.engine.torch.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.whetstone.Folders;
import dev.whetstone.engine.AutoHyperparameters;
import dev.whetstone.engine.CheckpointInfo;
import dev.whetstone.engine.RewardFunction;
import dev.whetstone.engine.StepMetrics;
import dev.whetstone.engine.TrainingListener;
import dev.whetstone.engine.TrainingPlan;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.engine.torch.TorchNatives;
import dev.whetstone.engine.torch.data.TokenizedExample;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import dev.whetstone.engine.torch.demo.TinyModels;
import dev.whetstone.engine.torch.lora.LoraConfig;
import dev.whetstone.engine.torch.model.Architecture;
import dev.whetstone.engine.torch.model.ModelConfig;
import dev.whetstone.engine.torch.model.Precision;
import dev.whetstone.engine.torch.train.FineTuneRequest;
import dev.whetstone.engine.torch.train.FineTuneRun;
import dev.whetstone.engine.torch.train.ProcessMemory;
import dev.whetstone.engine.torch.train.TrainingOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.bytedeco.pytorch.global.torch;

/**
 * The engine side of {@code whetstone bench reinforce}: reinforcement fine-tuning (GRPO, {@code ReinforcementMethod})
 * through the real training loop with LoRA (rank 16, alpha 32, all 7 projections, bf16 base where the CPU has
 * native bf16, as {@link TrainBench}), on {@code tiny-chat} and the SmolLM2-135M shape (random weights).
 *
 * <p>A step takes {@value #PROMPTS} prompts of {@value #PROMPT_TOKENS} random tokens, samples the auto group of 8
 * answers each (compute_multiplier 1) at temperature 1, grades them, and makes one update (policy and reference
 * forward passes, backward, AdamW). No id ends an answer, so every answer is the auto bound of
 * {@value AutoHyperparameters#RFT_MAX_ANSWER_TOKENS} tokens and each step does the same work: the figures measure the
 * engine, not how long a model's answers happen to be. The reward (the share of even token ids in the answer) costs
 * microseconds, as a {@code string_check} grader does; a {@code score_model} grader adds its own inference, not
 * measured here. No validation prompts, so no evaluation runs between steps.
 *
 * <p>Reported: samples/s (graded answers a second), updates/s (optimizer steps a second), sampled tokens/s, step
 * time (median of the steps after the first, which loads and warms up) and peak RSS.
 */
public final class ReinforcementBench {
    static final int PROMPTS = 2;
    static final int PROMPT_TOKENS = 32;

    /** The models {@code bench reinforce} knows. */
    public static final List<String> MODELS = List.of("tiny-chat", BenchModel.SMOLLM2_SHAPE);

    /** One model's result; JSON field names as the CLI prints them. */
    public record Result(String model, String dtype, int prompts, int groupSize, int answerTokens, double samplesPerS,
                         double updatesPerS, double sampledTokensPerS, double stepS, long peakRssMb) {}

    private ReinforcementBench() {}

    public static List<Result> run(Path workDir, int steps, int threads, List<String> models) throws Exception {
        if (steps < 2) throw new IllegalArgumentException("steps must be at least 2: the first is warm-up");
        TorchNatives.prepare();
        torch.set_num_threads(threads);
        List<Result> results = new ArrayList<>();
        for (String name : models) results.add(measure(name, prepare(workDir, name), workDir.resolve(name + "-rft"), steps, threads));
        return results;
    }

    private static Path prepare(Path workDir, String name) throws IOException {
        Path dir = workDir.resolve(name);
        if (Files.exists(dir.resolve("model.safetensors"))) return dir;
        switch (name) {
            case "tiny-chat" -> TinyModels.create(dir, TinyModels.Kind.CHAT);
            case BenchModel.SMOLLM2_SHAPE -> TinyModelFactory.write(dir, new TinyModelFactory.Spec(
                    TinyModelFactory.Arch.LLAMA, 49152, 576, 30, 9, 3, 1536, 8192, true, null, false), 0);
            default -> throw new IllegalArgumentException("unknown model " + name + "; one of " + MODELS);
        }
        return dir;
    }

    private static Result measure(String name, Path model, Path work, int steps, int threads) throws Exception {
        Folders.deleteTree(work);
        TrainBench.resetPeakRss();
        Precision precision = Precision.bestFrozen();
        TrainingOptions o = TrainingOptions.defaults().withThreads(threads).withResumeEvery(0)
                .withLora(new LoraConfig(16, 32, 0.0, LoraConfig.targets(Architecture.LLAMA, true), false));
        int vocab = ModelConfig.read(model).vocabSize();
        SplittableRandom r = new SplittableRandom(1);
        List<TokenizedExample> prompts = new ArrayList<>();
        for (int i = 0; i < steps * PROMPTS; i++) {
            int[] ids = new int[PROMPT_TOKENS];
            for (int j = 0; j < PROMPT_TOKENS; j++) ids[j] = r.nextInt(vocab);
            prompts.add(TokenizedExample.prompt(ids, false, JsonNodeFactory.instance.objectNode()));
        }
        // The answer's "text" is its ids; the reward varies within a group, so every step has a gradient.
        RewardFunction evenShare = (answer, item) -> answer.isEmpty() ? 0
                : Arrays.stream(answer.split(" ")).mapToInt(Integer::parseInt).filter(id -> id % 2 == 0).count()
                        / (double) answer.split(" ").length;
        FineTuneRequest.Grading grading = new FineTuneRequest.Grading(evenShare,
                ids -> Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(" ")), Set.of());
        TrainingSpec.Hyperparameters hp = new TrainingSpec.Hyperparameters(1, PROMPTS, 1.0, null,
                new TrainingSpec.Reinforcement("{}", null, null, 1.0, null));
        TrainBench.StepTimer timer = new TrainBench.StepTimer();
        List<Double> answerLengths = new ArrayList<>();
        FineTuneRun.run(new FineTuneRequest(model, null, prompts, List.of(), hp, TrainingSpec.Method.LORA, 1, work, o,
                grading), new TrainingListener() {
                    @Override public void onPlan(TrainingPlan plan) { timer.onPlan(plan); }
                    @Override public void onStep(StepMetrics m) { timer.onStep(m); answerLengths.add(m.trainAnswerLength()); }
                    @Override public void onCheckpoint(CheckpointInfo c) {}
                    @Override public void onWarning(String message) {}
                });
        double[] times = timer.stepSeconds();
        double median = TrainBench.median(Arrays.copyOfRange(times, 1, times.length));
        int group = AutoHyperparameters.RFT_GROUP_PER_COMPUTE;
        int answerTokens = AutoHyperparameters.RFT_MAX_ANSWER_TOKENS;
        // The figures assume every answer ran to the bound (no stop ids): checked, not taken for granted.
        if (times.length != steps || !answerLengths.stream().allMatch(l -> l != null && l == answerTokens)) {
            throw new IllegalStateException("expected " + steps + " steps of " + answerTokens + "-token answers, got "
                    + times.length + " steps with mean answer lengths " + answerLengths);
        }
        int samples = PROMPTS * group;
        return new Result(name, precision == Precision.BF16 ? "bf16" : "fp32", PROMPTS, group, answerTokens,
                samples / median, 1 / median, samples * answerTokens / median, median, ProcessMemory.peakRssBytes() >> 20);
    }

    /** One JSON object a line, snake_case. */
    public static List<String> jsonLines(List<Result> results) throws IOException {
        return BenchJson.lines(null, results);
    }

    /** {@code ReinforcementBench [workDir] [steps] [threads] [models]}: prints the results as JSON lines. */
    public static void main(String[] args) throws Exception {
        Path work = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("whetstone-bench");
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        List<String> models = args.length > 3 ? List.of(args[3].split(",")) : MODELS;
        jsonLines(run(work, steps, threads, models)).forEach(System.out::println);
    }
}
