package dev.whetstone.cli;

import dev.whetstone.engine.torch.bench.InferBench;
import dev.whetstone.engine.torch.bench.ReinforcementBench;
import dev.whetstone.engine.torch.bench.TrainBench;
import dev.whetstone.engine.torch.bench.VisionTrainBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code whetstone bench …}: performance figures measured against this machine's own peak, in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure training and inference speed on this machine.",
        subcommands = {BenchCommand.Train.class, BenchCommand.Reinforce.class, BenchCommand.Vision.class, BenchCommand.Infer.class})
final class BenchCommand {

    /** The options every bench subcommand has, and the check of listed values against what a bench knows. */
    static final class Common {
        @Option(names = "--threads", description = "Threads (default: all cores).")
        Integer threads;

        @Option(names = "--work-dir", description = "Where the benchmark models are written (default: a temporary folder).")
        Path workDir;

        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        int threads() { return threads != null ? threads : Runtime.getRuntime().availableProcessors(); }

        Path workDir() throws java.io.IOException {
            return workDir != null ? workDir : Files.createTempDirectory("whetstone-bench");
        }

        /** Refuses a value of {@code option} that is not in {@code known}, naming the allowed ones. */
        void requireKnown(String option, List<String> values, List<String> known) {
            for (String v : values) {
                if (!known.contains(v)) {
                    throw new ParameterException(spec.commandLine(), option + ": unknown value '" + v + "'; one of "
                            + String.join(", ", known));
                }
            }
        }
        /** The first step is warm-up, left out of the timings: at least one more is needed. */
        void requireSteps(int steps) {
            if (steps < 2) throw new ParameterException(spec.commandLine(), "--steps: at least 2 (the first is warm-up)");
        }
    }

    @Command(name = "reinforce", mixinStandardHelpOptions = true, description = {
        "Reinforcement fine-tuning (GRPO, LoRA) of the demo model tiny-chat and a SmolLM2-135M-shaped Llama (random",
        "weights): 2 prompts of 32 tokens a step, 8 answers of 32 tokens each, one update a step:",
        "samples/s, updates/s, sampled tokens/s, step time and peak RSS."})
    static final class Reinforce implements Callable<Integer> {
        @Option(names = "--steps", defaultValue = "4", description = "Steps per model; the first is warm-up (default ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--model", split = ",", defaultValue = "tiny-chat,smollm2-135m-shape", description = "Models to train (default ${DEFAULT-VALUE}).")
        List<String> models;

        @Mixin
        Common common;

        @Override
        public Integer call() throws Exception {
            common.requireKnown("--model", models, ReinforcementBench.MODELS);
            common.requireSteps(steps);
            ReinforcementBench.jsonLines(ReinforcementBench.run(common.workDir(), steps, common.threads(), models))
                    .forEach(System.out::println);
            return 0;
        }
    }

    @Command(name = "vision", mixinStandardHelpOptions = true, description = {
        "Trains the demo model tiny-vision and a SmolVLM-256M-shaped Idefics3 model (random weights) with LoRA,",
        "batch 4 x 256 tokens with one random image each: tokens/s, images/s, frames/s, step time and peak RSS."})
    static final class Vision implements Callable<Integer> {
        @Option(names = "--steps", defaultValue = "4", description = "Steps per model; the first is warm-up (default ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--model", split = ",", defaultValue = "tiny-vision,smolvlm-256m-shape", description = "Models to train (default ${DEFAULT-VALUE}).")
        List<String> models;

        @Mixin
        Common common;

        @Override
        public Integer call() throws Exception {
            common.requireKnown("--model", models, VisionTrainBench.MODELS);
            common.requireSteps(steps);
            VisionTrainBench.jsonLines(VisionTrainBench.run(common.workDir(), steps, common.threads(), models))
                    .forEach(System.out::println);
            return 0;
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true, description = {
        "Measures the machine's fp32 and bf16 matrix-multiply peak, then trains the demo model tiny-chat and a",
        "SmolLM2-135M-shaped Llama (random weights; --model qwen3-0.6b-shape adds a Qwen3-0.6B-shaped Qwen3), batch",
        "4 x 256, LoRA and full, for a fixed number of steps:",
        "tokens/s, step time, peak RSS and MFU per configuration (of the peak of the dtype the products ran in, and of",
        "the bf16 and fp32 peaks)."})
    static final class Train implements Callable<Integer> {
        @Option(names = "--steps", defaultValue = "6", description = "Steps per configuration; the first is warm-up (default ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--method", split = ",", defaultValue = "lora,full", description = "lora (bf16 base where supported), full (mixed precision where bf16 is supported, else fp32), dpo (LoRA, preference pairs) (default ${DEFAULT-VALUE}).")
        List<String> methods;

        @Option(names = "--model", split = ",", defaultValue = "tiny-chat,smollm2-135m-shape", description = "Models to train (default ${DEFAULT-VALUE}).")
        List<String> models;

        @Option(names = "--json", description = "One JSON object per line: the peaks, then one per configuration.")
        boolean json;

        @Mixin
        Common common;

        @Override
        public Integer call() throws Exception {
            common.requireKnown("--model", models, TrainBench.MODELS);
            common.requireKnown("--method", methods, TrainBench.METHODS);
            common.requireSteps(steps);
            TrainBench.Report report = TrainBench.run(common.workDir(), steps, common.threads(), models, methods);
            if (json) TrainBench.jsonLines(report).forEach(System.out::println); else printTable(report);
            return 0;
        }

        private static void printTable(TrainBench.Report report) {
            System.out.printf("matmul peak: fp32 %.0f GFLOP/s, bf16 %.0f GFLOP/s%n", report.fp32Gflops(), report.bf16Gflops());
            System.out.printf("%-22s %-6s %-10s %5s %4s %10s %8s %6s %9s %9s %8s%n", "model", "method", "dtype",
                    "batch", "seq", "tokens/s", "step s", "MFU", "MFU bf16", "MFU fp32", "RSS MB");
            for (TrainBench.Result r : report.results()) {
                System.out.printf("%-22s %-6s %-10s %5d %4d %10.1f %8.2f %5.1f%% %9s %8.1f%% %8d%n", r.model(),
                        r.method(), r.dtype(), r.batch(), r.seq(), r.tokensPerS(), r.stepS(), 100 * r.mfu(),
                        r.mfuBf16() == null ? "-" : String.format("%.1f%%", 100 * r.mfuBf16()), 100 * r.mfuFp32(),
                        r.peakRssMb());
            }
        }
    }

    @Command(name = "infer", mixinStandardHelpOptions = true, description = {
        "Measures the machine's memory read rate, then serves a SmolLM2-135M-shaped Llama (or, with --model, a",
        "Qwen3-0.6B-shaped Qwen3; random weights) through",
        "the inference engine: time to first token (128-token prompt), batch-1 decode tokens/s bare and through a",
        "LoRA adapter, aggregate tokens/s of 8 streams (bare, over two adapters) and of 16 streams (bare, over 16",
        "different adapters in one batch), and adapter deployment time."})
    static final class Infer implements Callable<Integer> {
        @Option(names = "--precision", split = ",", defaultValue = "bf16,fp32", description = "Base weight precisions to measure: bf16, fp32, int8 (int8 weight-only decoding; default ${DEFAULT-VALUE}).")
        List<String> precisions;

        @Option(names = "--model", defaultValue = "smollm2-135m-shape", description = "Model to serve: smollm2-135m-shape or qwen3-0.6b-shape (default ${DEFAULT-VALUE}).")
        String model;

        @Option(names = "--json", description = "One JSON object per line: the memory rate, then one per precision.")
        boolean json;

        @Mixin
        Common common;

        @Override
        public Integer call() throws Exception {
            common.requireKnown("--precision", precisions, InferBench.PRECISIONS);
            common.requireKnown("--model", List.of(model), InferBench.MODELS);
            InferBench.Report report = InferBench.run(common.workDir(), common.threads(), precisions, model);
            if (json) InferBench.jsonLines(report).forEach(System.out::println); else printTable(report);
            return 0;
        }

        private static void printTable(InferBench.Report report) {
            System.out.printf("memory read: %.1f GB/s; vector FMA peak: %s%n", report.memoryGbPerS(),
                    report.fmaPeakGflops() == null ? "(decode kernels off)"
                            : String.format("%.1f GFLOP/s", report.fmaPeakGflops()));
            System.out.printf("%-6s %8s %10s %10s %8s %10s %10s %8s %8s %10s %10s %8s %9s %10s %8s%n", "dtype",
                    "TTFT s", "b1 tok/s", "b1+LoRA", "LoRA %", "8x bare", "8x 2 LoRA", "8x/b1", "LoRA %", "16x bare",
                    "16x 16LoRA", "LoRA %", "deploy ms", "bound t/s", "of bound");
            for (InferBench.Result r : report.results()) {
                System.out.printf("%-6s %8.3f %10.1f %10.1f %7.1f%% %10.1f %10.1f %7.1fx %7.1f%% %10.1f %10.1f %7.1f%%"
                                + " %9.1f %10.1f %7.0f%%%n",
                        r.dtype(), r.ttftS(), r.batch1TokensPerS(), r.batch1AdapterTokensPerS(), 100 * r.adapterCost(),
                        r.streams8BareTokensPerS(), r.streams8TokensPerS(), r.streams8BareSpeedup(),
                        100 * r.streams8AdapterCost(), r.streams16BareTokensPerS(), r.streams16AdaptersTokensPerS(),
                        100 * r.streams16AdapterCost(), r.adapterLoadMs(), r.bandwidthBoundTokensPerS(),
                        100 * r.batch1OfBound());
            }
            for (InferBench.Result r : report.results()) {
                System.out.printf("%-6s %s; bound from %.1f MB of weights a token; 8 streams %.1f GFLOP/s in the"
                                + " products%s%s%n", r.dtype(), r.decodeKernels(), r.weightBytesPerToken() / 1e6,
                        r.streams8Gflops(), r.streams8OfFmaPeak() == null ? ""
                                : String.format(", %.0f %% of the FMA peak", 100 * r.streams8OfFmaPeak()),
                        r.int8LogprobMeanRelativeDifference() == null ? ""
                                : String.format("; log-probabilities vs bf16: mean relative difference %.3f %%",
                                        100 * r.int8LogprobMeanRelativeDifference()));
            }
        }
    }
}
