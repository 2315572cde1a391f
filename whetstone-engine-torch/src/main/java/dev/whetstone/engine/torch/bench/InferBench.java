package dev.whetstone.engine.torch.bench;

import dev.whetstone.engine.torch.infer.InferenceOptions;
import dev.whetstone.engine.torch.infer.TorchInferenceEngine;
import dev.whetstone.engine.torch.infer.TorchServedModel;
import dev.whetstone.engine.inference.Prompt;
import dev.whetstone.engine.inference.SamplingOptions;
import dev.whetstone.engine.inference.ServedModel;
import dev.whetstone.engine.inference.ServingSpec;
import dev.whetstone.engine.torch.TorchNatives;
import dev.whetstone.engine.torch.kernel.RowProducts;
import dev.whetstone.engine.torch.model.ModelConfig;
import dev.whetstone.engine.torch.model.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The engine side of {@code whetstone bench infer}: the machine's memory read rate, then, through the real engine
 * (scheduler, sampler, text decoding), on a SmolLM2-135M-shaped Llama with random weights (the shape of
 * {@code bench/torch_anchor.py decode}): time to first token for a 128-token prompt, batch-1 decode rate bare and
 * through a LoRA adapter (rank 16, all projections), the aggregate rate of 8 concurrent streams on the bare base and
 * over two adapters, of 16 streams on the bare base and over 16 different adapters (one batch: the engine's batch is
 * 16 here), and the time to deploy an adapter on the loaded base. Per precision (bf16, fp32, int8 base weights).
 */
public final class InferBench {
    private static final int PROMPT = 128;
    private static final int NEW_TOKENS = 128;
    private static final int STREAMS = 8;
    private static final int MANY = 16;

    /** One precision's figures; JSON field names as the CLI prints them. */
    public record Result(String model, String dtype, double ttftS, double batch1TokensPerS,
                         double batch1AdapterTokensPerS, double adapterCost, double streams8BareTokensPerS,
                         double streams8TokensPerS,
                         double streamsSpeedup, double streams8BareSpeedup, double streams8AdapterCost,
                         double streams16BareTokensPerS, double streams16AdaptersTokensPerS,
                         double streams16AdapterCost, double adapterLoadMs, long weightBytesPerToken,
                         double bandwidthBoundTokensPerS, double batch1OfBound, double streams8Gflops,
                         Double streams8OfFmaPeak, String decodeKernels, Double int8LogprobMeanRelativeDifference) {}

    /**
     * @param fmaPeakGflops the decode kernels' fp32 FMA rate on all threads ({@link RowProducts#fmaPeakGflops}), or
     *                      null where the kernels are off or not available: the bound of batched decoding, which reads each
     *                      weight once for all rows and is compute-bound from a few rows on
     */
    public record Report(double memoryGbPerS, Double fmaPeakGflops, List<Result> results) {}

    private InferBench() {}

    /** Precision names as the command line takes them. */
    public static final List<String> PRECISIONS = List.of("bf16", "fp32", "int8");

    /** The models {@code bench infer --model} serves, by the name it takes. */
    public static final List<String> MODELS = BenchModel.INFER_MODELS;

    /** @param precisions names from {@link #PRECISIONS} */
    public static Report run(Path workDir, int threads, List<String> precisions) throws Exception {
        return run(workDir, threads, precisions, BenchModel.SMOLLM2_SHAPE);
    }

    /** @param model a name from {@link #MODELS} */
    public static Report run(Path workDir, int threads, List<String> precisions, String model) throws Exception {
        TorchNatives.prepare();
        org.bytedeco.pytorch.global.torch.set_num_threads(threads);
        double gbs = MemoryBandwidth.readGbPerS(10);
        Double peak = RowProducts.available() ? RowProducts.fmaPeakGflops() : null;
        return measureAll(workDir, threads, precisions, BenchModel.ensure(workDir, model), model, gbs, peak);
    }

    private static Report measureAll(Path workDir, int threads, List<String> precisions, Path model, String name,
                                     double gbs, Double peak) throws Exception {
        workDir = workDir.resolve(name + "-adapters");
        Path a1 = BenchModel.adapter(model, workDir.resolve("adapter-1"), 1);
        Path a2 = BenchModel.adapter(model, workDir.resolve("adapter-2"), 2);
        List<Path> many = new ArrayList<>();
        for (int i = 1; i <= MANY; i++) many.add(BenchModel.adapter(model, workDir.resolve("adapter-" + i), i));
        List<Result> results = new ArrayList<>();
        for (String p : precisions) {
            Precision precision = switch (p) {
                case "bf16" -> Precision.BF16;
                case "fp32" -> Precision.FP32;
                case "int8" -> Precision.INT8;
                default -> throw new IllegalArgumentException("precision '" + p + "' is not one of " + PRECISIONS);
            };
            results.add(measure(model, a1, a2, many, threads, precision, gbs, peak));
        }
        return new Report(gbs, peak, results);
    }

    private static Result measure(Path model, Path a1, Path a2, List<Path> many, int threads, Precision p, double gbs,
                                  Double peak) throws java.io.IOException {
        InferenceOptions o = InferenceOptions.defaults().withThreads(threads).withMaxBatch(MANY)
                .withMaxContext(1024).withPrecision(p);
        try (TorchInferenceEngine engine = new TorchInferenceEngine(o)) {
            TorchServedModel bare = (TorchServedModel) engine.load(new ServingSpec("bare", model, null));
            double loadMs = adapterLoadMs(engine, model, a1);
            ServedModel m1 = engine.load(new ServingSpec("ft-1", model, a1));
            ServedModel m2 = engine.load(new ServingSpec("ft-2", model, a2));
            SamplingOptions greedy = noEos(bare, NEW_TOKENS);
            Prompt prompt = randomPrompt(bare, 0);
            generate(bare, prompt, greedy);                                    // warm-up
            double[] ttft = new double[5];
            for (int i = 0; i < ttft.length; i++) ttft[i] = generate(bare, randomPrompt(bare, i + 1), noEos(bare, 1)).firstTokenSeconds();
            double bareRate = medianRate(bare, prompt, greedy);
            double adapterRate = medianRate(m1, prompt, greedy);
            double bareAggregate = streams(List.of(bare), STREAMS, greedy);
            double aggregate = streams(List.of(m1, m2), STREAMS, greedy);
            List<ServedModel> sixteen = new ArrayList<>();
            for (int i = 0; i < many.size(); i++) sixteen.add(engine.load(new ServingSpec("many-" + i, model, many.get(i))));
            double bare16 = streams(List.of(bare), MANY, greedy);
            double adapters16 = streams(sixteen, MANY, greedy);
            // the bytes a decode step reads: the decode kernels' copies where they serve it, else the libtorch weights
            long weightBytes = bare.decodeWeightBytes() > 0 ? bare.decodeWeightBytes()
                    : bare.config().parameterCount() * (p == Precision.FP32 ? 4 : 2);
            double bound = gbs * 1e9 / weightBytes;
            Double int8Diff = p == Precision.INT8 ? Int8Accuracy.measure(model, 2, PROMPT, 32).meanRelativeDifference()
                    : null;
            String kernels = bare.decodePath();
            double streams8Gflops = bareAggregate * 2 * productMultiplyAdds(bare.config()) / 1e9;
            return new Result("SmolLM2-135M-shape", p.name().toLowerCase(java.util.Locale.ROOT), median(ttft), bareRate,
                    adapterRate, bareRate / adapterRate - 1, bareAggregate, aggregate, aggregate / bareRate,
                    bareAggregate / bareRate, bareAggregate / aggregate - 1, bare16, adapters16, bare16 / adapters16 - 1,
                    loadMs,
                    weightBytes, bound, bareRate / bound, streams8Gflops, peak == null ? null : streams8Gflops / peak, kernels, int8Diff);
        }
    }

    /**
     * Multiply-adds of a decode step's products per token for the benchmark's Llama-family blocks: q/k/v, o and
     * the three MLP projections of every layer, and the output head. Attention over the cache (under 5 % of it at
     * these 128 + 128 tokens on the SmolLM2 shape) and the element-wise work are left out.
     */
    static long productMultiplyAdds(ModelConfig c) {
        long d = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        long layer = d * (q + 2 * kv) + q * d + 3 * d * c.intermediateSize();
        return c.numLayers() * layer + (long) c.vocabSize() * d;
    }

    /** Median over 7 deployments of an adapter on the loaded base (the key is replaced each time). */
    private static double adapterLoadMs(TorchInferenceEngine engine, Path model, Path adapter) {
        double[] ms = new double[7];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            engine.load(new ServingSpec("probe", model, adapter));
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        engine.unload("probe");
        return median(ms);
    }

    private static double medianRate(ServedModel m, Prompt prompt, SamplingOptions o) {
        double[] r = new double[3];
        for (int i = 0; i < r.length; i++) r[i] = generate(m, prompt, o).decodeTokensPerS();
        return median(r);
    }

    /** n streams at once, alternating models; tokens per second after the last stream's first token. */
    private static double streams(List<ServedModel> models, int n, SamplingOptions o) {
        List<BenchStream> streams = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ServedModel m = models.get(i % models.size());
            BenchStream s = new BenchStream();
            m.generate(randomPrompt((TorchServedModel) m, 10 + i), o, s);
            streams.add(s);
        }
        long end = 0;
        for (BenchStream s : streams) end = Math.max(end, s.await());
        long from = streams.stream().mapToLong(s -> s.tokenNanos.get(0)).max().orElseThrow();
        long tokens = streams.stream().flatMap(s -> s.tokenNanos.stream()).filter(t -> t > from).count();
        return tokens / ((end - from) / 1e9);
    }

    static BenchStream generate(ServedModel m, Prompt p, SamplingOptions o) {
        BenchStream s = new BenchStream();
        m.generate(p, o, s);
        s.await();
        return s;
    }

    /** Greedy, with the model's EOS ids biased away so every run decodes exactly {@code n} tokens. */
    static SamplingOptions noEos(TorchServedModel m, int n) {
        Map<Integer, Double> bias = new HashMap<>();
        m.eosIds().forEach(id -> bias.put(id, -1e9));
        return new SamplingOptions(n, 0, 1, null, 0, 0, bias, List.of(), -1);
    }

    static Prompt randomPrompt(TorchServedModel m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] ids = new int[PROMPT];
        for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(m.config().vocabSize());
        return new Prompt(ids, "");
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** The report as JSON lines, snake_case: the bandwidth first, then one object per precision. */
    public static List<String> jsonLines(Report report) throws java.io.IOException {
        Map<String, Object> header = new java.util.LinkedHashMap<>();
        header.put("memory_read_gb_per_s", Math.round(report.memoryGbPerS() * 10) / 10.0);
        header.put("vector_fma_peak_gflops", report.fmaPeakGflops() == null ? null
                : Math.round(report.fmaPeakGflops() * 10) / 10.0);
        return BenchJson.lines(header, report.results());
    }

    /** {@code InferBench [workDir] [threads] [bf16,fp32] [model]}: prints the report as JSON lines. */
    public static void main(String[] args) throws Exception {
        Path work = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("whetstone-bench");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        List<String> ps = List.of((args.length > 2 ? args[2] : "bf16,fp32").split(","));
        jsonLines(run(work, threads, ps, args.length > 3 ? args[3] : BenchModel.SMOLLM2_SHAPE))
                .forEach(System.out::println);
    }
}
