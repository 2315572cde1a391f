package dev.whetstone.engine.torch.bench;

import dev.whetstone.Folders;
import dev.whetstone.engine.CheckpointInfo;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.bytedeco.pytorch.global.torch;

/**
 * The engine side of {@code whetstone bench train}: measures the machine's fp32 and bf16 GEMM peak, then trains the
 * demo model {@code tiny-chat} and a SmolLM2-135M-shaped Llama with random weights (hidden 576, 30 layers, 9 heads,
 * 3 KV heads, MLP 1536, vocab 49 152) on random batches of 4 × 256 tokens through the real training loop, LoRA on a
 * bf16 base and full fine-tuning in mixed precision (bf16 products over fp32 masters; both in fp32 where the CPU has
 * no native bf16), and DPO with LoRA (half as many pairs a step, so the same tokens), and reports tokens/s, step
 * time, model FLOPs utilisation (against the peak of the dtype the products ran in, and against each of the bf16 and
 * fp32 peaks) and peak RSS per configuration. The shapes, LoRA
 * (rank 16, alpha 32, no dropout, all 7 projections) and loss mask (first 32 tokens untrained) match
 * {@code bench/torch_anchor.py}, so the figures compare directly.
 */
public final class TrainBench {
    private static final int BATCH = 4;
    private static final int SEQ = 256;
    private static final int PROMPT = 32;

    /**
     * One configuration's result; JSON field names as the CLI prints them. {@code mfuBf16}: null where the CPU has
     * no bf16 arithmetic — libtorch emulates bf16 products there (2 GFLOP/s on an AVX2 EPYC), the engine computes in
     * fp32 instead, and a fraction of the emulation's rate (above 40 there) says nothing.
     */
    public record Result(String model, String method, String dtype, int batch, int seq, double tokensPerS,
                         double stepS, double mfu, Double mfuBf16, double mfuFp32, long peakRssMb) {}

    /** The whole report: GEMM peaks (GFLOP/s) and one result per configuration. */
    public record Report(double fp32Gflops, double bf16Gflops, List<Result> results) {}

    private TrainBench() {}

    /** The methods {@code bench train} knows: supervised LoRA and full, and DPO with LoRA. */
    public static final List<String> METHODS = List.of("lora", "full", "dpo");

    /** The models {@code bench train} knows, by the name it prints. */
    public static final List<String> MODELS = List.of("tiny-chat", "smollm2-135m-shape", BenchModel.QWEN3_SHAPE);

    /**
     * Runs the configurations ({@code lora}: LoRA on a bf16 base where the CPU has native bf16, {@code full}: full
     * fine-tuning in mixed precision there, fp32 elsewhere) of each model for {@code steps} steps each; the first step is warm-up, excluded from
     * timings.
     */
    public static Report run(Path workDir, int steps, int threads, List<String> models, List<String> methods)
            throws Exception {
        if (steps < 2) throw new IllegalArgumentException("steps must be at least 2: the first is warm-up");
        TorchNatives.prepare();
        torch.set_num_threads(threads);
        double fp32 = MatmulPeak.gflops(ScalarType.Float, 3, 8);
        double bf16 = MatmulPeak.gflops(ScalarType.BFloat16, 3, 16);
        List<Result> results = new ArrayList<>();
        for (String name : models) {
            Path model = prepare(workDir, name);
            for (String m : methods) {
                if (!METHODS.contains(m)) throw new IllegalArgumentException("unknown method " + m + "; one of " + METHODS);
                boolean lora = !m.equals("full");
                results.add(measure(name, model, workDir.resolve(name + "-" + m),
                        lora ? TrainingSpec.Method.LORA : TrainingSpec.Method.FULL, m.equals("dpo"), steps, threads,
                        bf16, fp32));
            }
        }
        return new Report(fp32, bf16, results);
    }

    /** Writes the model once into the work folder: the demo model, or the SmolLM2-135M shape with random weights. */
    private static Path prepare(Path workDir, String name) throws IOException {
        Path dir = workDir.resolve(name);
        if (Files.exists(dir.resolve("model.safetensors"))) return dir;
        switch (name) {
            case "tiny-chat" -> TinyModels.create(dir, TinyModels.Kind.CHAT);
            case "smollm2-135m-shape" -> TinyModelFactory.write(dir, new TinyModelFactory.Spec(
                    TinyModelFactory.Arch.LLAMA, 49152, 576, 30, 9, 3, 1536, 8192, true, null, false), 0);
            case BenchModel.QWEN3_SHAPE -> TinyModelFactory.write(dir, BenchModel.qwen3Shape(), 0);
            default -> throw new IllegalArgumentException("unknown model " + name + "; one of " + MODELS);
        }
        return dir;
    }

    private static Result measure(String name, Path model, Path work, TrainingSpec.Method method, boolean dpo,
                                  int steps, int threads, double bf16Gflops, double fp32Gflops) throws Exception {
        Folders.deleteTree(work);
        resetPeakRss();
        boolean lora = method == TrainingSpec.Method.LORA;
        // the products' dtype: the frozen base's (LoRA), or full fine-tuning's compute precision
        Precision precision = Precision.bestFrozen();
        TrainingOptions o = TrainingOptions.defaults().withThreads(threads).withResumeEvery(0)
                .withFrozenPrecision(precision).withFullPrecision(precision)
                .withLora(new LoraConfig(16, 32, 0.0, LoraConfig.targets(Architecture.LLAMA, true), false));
        StepTimer timer = new StepTimer();
        ModelConfig config = ModelConfig.read(model);
        // DPO: BATCH / 2 pairs a step, so a step reads the same BATCH sequences of SEQ tokens as supervised ones
        List<TokenizedExample> data = randomBatches(steps, config.vocabSize());
        if (dpo) {
            List<TokenizedExample> pairs = new ArrayList<>();
            for (int i = 0; i + 1 < data.size(); i += 2) pairs.add(TokenizedExample.pair(data.get(i), data.get(i + 1)));
            data = pairs;
        }
        TrainingSpec.Hyperparameters hp = dpo
                ? new TrainingSpec.Hyperparameters(1, BATCH / 2, 1.0, new TrainingSpec.Dpo(0.1, null))
                : new TrainingSpec.Hyperparameters(1, BATCH, 1.0);
        FineTuneRun.run(new FineTuneRequest(model, null, data, List.of(), hp, method, 1, work, o), timer);
        double[] times = timer.stepSeconds();
        double median = median(Arrays.copyOfRange(times, 1, times.length));
        double flops = stepFlops(config, lora, dpo);
        double rate = flops / median / 1e9;
        boolean bf16 = precision == Precision.BF16;
        return new Result(name, dpo ? "dpo" : lora ? "lora" : "full",
                !bf16 ? "fp32" : lora ? "bf16" : "bf16-mixed", BATCH, SEQ, BATCH * SEQ / median, median,
                rate / (bf16 ? bf16Gflops : fp32Gflops), bf16 ? rate / bf16Gflops : null,
                rate / fp32Gflops,
                ProcessMemory.peakRssBytes() >> 20);
    }

    /**
     * Nominal FLOPs of one step: 2·N per token and pass over the matrix parameters (embedding lookup excluded,
     * tied head included), three passes for full training (forward, input and weight gradients), two for LoRA
     * (frozen weights need no weight gradient), plus attention's 4·T·H·hd per token and pass, three passes; DPO adds
     * the reference model's forward pass.
     */
    static double stepFlops(ModelConfig c, boolean lora, boolean dpo) {
        double tokens = (double) BATCH * SEQ;
        double matrices = c.parameterCount() - (double) c.vocabSize() * c.hiddenSize() * (c.tiedEmbeddings() ? 0 : 1);
        double attention = 4.0 * SEQ * c.numHeads() * c.headDim() * c.numLayers();
        int extra = dpo ? 1 : 0;
        return tokens * (2 * matrices * ((lora ? 2 : 3) + extra) + (3 + extra) * attention);
    }

    private static List<TokenizedExample> randomBatches(int steps, int vocab) {
        SplittableRandom r = new SplittableRandom(1);
        List<TokenizedExample> out = new ArrayList<>();
        for (int i = 0; i < steps * BATCH; i++) {
            int[] ids = new int[SEQ];
            boolean[] mask = new boolean[SEQ];
            for (int j = 0; j < SEQ; j++) {
                ids[j] = r.nextInt(vocab);
                mask[j] = j > PROMPT;
            }
            out.add(new TokenizedExample(ids, mask, false));
        }
        return out;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Linux resets the peak RSS (VmHWM) when 5 is written to clear_refs; elsewhere the peak stays cumulative. */
    static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // not Linux, or not permitted: the reported peak then covers the whole process so far
        }
    }

    /** Times each step from the previous step's end (the first from the plan, so it includes loading: warm-up). */
    static final class StepTimer implements TrainingListener {
        private final List<Long> marks = new ArrayList<>();

        @Override public void onPlan(TrainingPlan plan) { marks.add(System.nanoTime()); }

        @Override public void onStep(StepMetrics m) { marks.add(System.nanoTime()); }

        @Override public void onCheckpoint(CheckpointInfo c) {}

        @Override public void onWarning(String message) {}

        double[] stepSeconds() {
            double[] s = new double[marks.size() - 1];
            for (int i = 1; i < marks.size(); i++) s[i - 1] = (marks.get(i) - marks.get(i - 1)) / 1e9;
            return s;
        }
    }

    /** The report as JSON lines, snake_case: the GEMM peaks first, then one object per configuration. */
    public static List<String> jsonLines(Report report) throws java.io.IOException {
        Map<String, Object> peaks = new LinkedHashMap<>();
        peaks.put("matmul_gflops_fp32", Math.round(report.fp32Gflops()));
        peaks.put("matmul_gflops_bf16", Math.round(report.bf16Gflops()));
        return BenchJson.lines(peaks, report.results());
    }

    /** {@code TrainBench [workDir] [steps] [threads] [lora,full] [models]}: prints the report as JSON lines. */
    public static void main(String[] args) throws Exception {
        Path work = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("whetstone-bench");
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        List<String> methods = List.of((args.length > 3 ? args[3] : "lora,full").split(","));
        List<String> models = args.length > 4 ? List.of(args[4].split(",")) : MODELS;
        Report report = run(work, steps, threads, models, methods);
        jsonLines(report).forEach(System.out::println);
    }
}
