package dev.whetstone.engine.torch.bench;

import dev.whetstone.Folders;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.engine.torch.TorchNatives;
import dev.whetstone.engine.torch.data.ImageFrames;
import dev.whetstone.engine.torch.data.TokenizedExample;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import dev.whetstone.engine.torch.demo.TinyModels;
import dev.whetstone.engine.torch.demo.TinyVisionFactory;
import dev.whetstone.engine.torch.lora.LoraConfig;
import dev.whetstone.engine.torch.model.Architecture;
import dev.whetstone.engine.torch.model.Precision;
import dev.whetstone.engine.torch.train.FineTuneRequest;
import dev.whetstone.engine.torch.train.FineTuneRun;
import dev.whetstone.engine.torch.train.ProcessMemory;
import dev.whetstone.engine.torch.train.TrainingOptions;
import dev.whetstone.engine.torch.vision.Idefics3Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code whetstone bench vision}: trains the demo model {@code tiny-vision} and a SmolVLM-256M-shaped Idefics3 model
 * with random weights (SigLIP hidden 768, 12 layers, 12 heads, MLP 3072, 512² frames of 16² patches, scale 4 → 64
 * tokens a frame; Llama hidden 576, 30 layers, 9 heads, 3 KV heads, MLP 1536, vocab 49 280) through the real
 * training loop: batches of 4 examples of 256 tokens, each with one image whose frames are random pixels (tiny-vision:
 * 2 × 2 tiles + the global view = 5 frames, 20 image tokens; SmolVLM shape: the global view alone, as detail "low",
 * 1 frame of 64 image tokens). LoRA (rank 16, all 7 decoder projections) on a bf16 base where the CPU has native bf16,
 * the encoder and connector frozen. Reports tokens/s, images/s and frames/s.
 */
public final class VisionTrainBench {
    private static final int BATCH = 4;
    private static final int SEQ = 256;
    private static final int PROMPT = 32;

    public static final List<String> MODELS = List.of("tiny-vision", "smolvlm-256m-shape");

    /** One configuration; JSON names as the CLI prints them. */
    public record Result(String model, String method, String dtype, int batch, int seq, int framesPerImage,
                         double tokensPerS, double imagesPerS, double framesPerS, double stepS, long peakRssMb) {}

    private VisionTrainBench() {}

    public static List<Result> run(Path workDir, int steps, int threads, List<String> models) throws Exception {
        TorchNatives.prepare();
        torch.set_num_threads(threads);
        List<Result> out = new ArrayList<>();
        for (String name : models) out.add(measure(name, prepare(workDir, name), workDir.resolve(name + "-lora"),
                steps, threads));
        return out;
    }

    private static Path prepare(Path workDir, String name) throws IOException {
        Path dir = workDir.resolve(name);
        if (Files.exists(dir.resolve("model.safetensors"))) return dir;
        switch (name) {
            case "tiny-vision" -> TinyModels.create(dir, TinyModels.Kind.VISION);
            case "smolvlm-256m-shape" -> TinyVisionFactory.write(dir, new TinyVisionFactory.Spec(
                    new TinyModelFactory.Spec(TinyModelFactory.Arch.LLAMA, 49280, 576, 30, 9, 3, 1536, 8192, false,
                            null, false), 768, 12, 12, 3072, 512, 16, 4, 49190), 0, TinyModelFactory.Init.SMALL);
            default -> throw new IllegalArgumentException("unknown model " + name + "; one of " + MODELS);
        }
        return dir;
    }

    private static Result measure(String name, Path model, Path work, int steps, int threads) throws Exception {
        Folders.deleteTree(work);
        TrainBench.resetPeakRss();
        Idefics3Config c = Idefics3Config.read(model);
        int frames = name.equals("tiny-vision") ? 5 : 1;
        Precision precision = Precision.bestFrozen();
        TrainingOptions o = TrainingOptions.defaults().withThreads(threads).withResumeEvery(0)
                .withLora(new LoraConfig(16, 32, 0.0, LoraConfig.targets(Architecture.LLAMA, true), false));
        TrainBench.StepTimer timer = new TrainBench.StepTimer();
        FineTuneRun.run(new FineTuneRequest(model, null, examples(steps, c, frames), List.of(),
                new TrainingSpec.Hyperparameters(1, BATCH, 1.0), TrainingSpec.Method.LORA, 1, work, o), timer);
        double[] times = timer.stepSeconds();
        double median = TrainBench.median(Arrays.copyOfRange(times, 1, times.length));
        return new Result(name, "lora", precision == Precision.BF16 ? "bf16" : "fp32", BATCH, SEQ, frames,
                BATCH * SEQ / median, BATCH / median, BATCH * frames / median, median,
                ProcessMemory.peakRssBytes() >> 20);
    }

    /** Random text around one image's image tokens (frames × image_seq_len), tokens after PROMPT + image trained. */
    private static List<TokenizedExample> examples(int steps, Idefics3Config c, int frames) {
        SplittableRandom r = new SplittableRandom(1);
        int size = c.vision().imageSize();
        int imageTokens = frames * c.imageSeqLen();
        List<TokenizedExample> out = new ArrayList<>();
        for (int i = 0; i < steps * BATCH; i++) {
            int[] ids = new int[SEQ];
            boolean[] mask = new boolean[SEQ];
            for (int j = 0; j < SEQ; j++) {
                boolean image = j >= 8 && j < 8 + imageTokens;
                ids[j] = image ? c.imageTokenId() : nonImageToken(r, c);
                mask[j] = j >= 8 + imageTokens + PROMPT;
            }
            float[] pixels = new float[frames * 3 * size * size];
            for (int k = 0; k < pixels.length; k++) pixels[k] = (float) (r.nextDouble() * 2 - 1);
            out.add(new TokenizedExample(ids, mask, false).withImages(new ImageFrames(pixels, frames, size)));
        }
        return out;
    }

    private static int nonImageToken(SplittableRandom r, Idefics3Config c) {
        int id;
        do id = r.nextInt(c.text().vocabSize()); while (id == c.imageTokenId());
        return id;
    }

    /** One JSON object a line, snake_case. */
    public static List<String> jsonLines(List<Result> results) throws IOException {
        return BenchJson.lines(null, results);
    }

    /** {@code VisionTrainBench [workDir] [steps] [threads] [models]}: prints one JSON line per model. */
    public static void main(String[] args) throws Exception {
        Path work = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("whetstone-bench");
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        List<String> models = args.length > 3 ? List.of(args[3].split(",")) : MODELS;
        jsonLines(run(work, steps, threads, models)).forEach(System.out::println);
    }
}
