package dev.whetstone.engine.torch.bench;

import dev.whetstone.engine.torch.TokenizerExampleEncoders;
import dev.whetstone.engine.torch.demo.TinyModels;
import dev.whetstone.data.ChatExample;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.engine.CheckpointInfo;
import dev.whetstone.engine.StepMetrics;
import dev.whetstone.engine.TrainingListener;
import dev.whetstone.engine.TrainingPlan;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.engine.torch.data.TokenizedExample;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import dev.whetstone.engine.torch.train.ExampleEncoder;
import dev.whetstone.engine.torch.train.FineTuneRequest;
import dev.whetstone.engine.torch.train.FineTuneRun;
import dev.whetstone.engine.torch.train.TrainingOptions;
import dev.whetstone.testing.XboxSupportData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Padded against packed batches on the demo model: many short Xbox-support conversations (1–4 exchanges, the
 * how-to's format), the default LoRA job's settings at an explicit batch. Not a test: run
 * {@code main(steps, batch, threads [, smollm2])}; prints the median tokens/s of each mode after one warm-up step.
 * With {@code smollm2} the same lengths and loss masks, random tokens, train the SmolLM2-135M shape instead.
 */
public final class PackingBenchmark {
    private static final String SYSTEM = XboxSupportData.SYSTEM;
    /** The shared trained pairs plus two more, so conversations of 1–4 exchanges vary in content and length. */
    private static final List<List<String>> QA = Stream.concat(XboxSupportData.QA.stream(), Stream.of(
            List.of("How do I reset my controller?", "Hold the pairing button for three seconds, then pair it again."),
            List.of("Thanks!", "You are welcome."))).toList();

    private PackingBenchmark() {}

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        Path dir = Files.createTempDirectory("packing-bench");
        Path model = dir.resolve("tiny-chat");   // reassigned below for smollm2
        TinyModels.create(model, TinyModels.Kind.CHAT);
        List<TokenizedExample> data = new ArrayList<>();
        try (ExampleEncoder enc = new TokenizerExampleEncoders().open(model, 1024)) {
            SplittableRandom r = new SplittableRandom(1);
            for (int i = 0; i < steps * batch; i++) data.add(enc.encode(conversation(r)));
        }
        if (args.length > 3 && args[3].equals("smollm2")) {
            // same lengths and loss masks, random tokens, on the SmolLM2-135M shape (random weights)
            model = dir.resolve("smollm2");
            TinyModelFactory.write(model, new TinyModelFactory.Spec(TinyModelFactory.Arch.LLAMA, 49152, 576, 30, 9, 3,
                    1536, 8192, true, null, false), 0);
            SplittableRandom r = new SplittableRandom(2);
            data.replaceAll(e -> {
                int[] ids = new int[e.length()];
                for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(49152);
                return new TokenizedExample(ids, e.lossMask(), false);
            });
        }
        int[] lengths = data.stream().mapToInt(TokenizedExample::length).sorted().toArray();
        System.out.printf("%d examples, tokens min %d median %d max %d%n", data.size(), lengths[0],
                lengths[lengths.length / 2], lengths[lengths.length - 1]);
        for (int round = 0; round < 2; round++) {
            for (boolean packing : new boolean[] {false, true}) {
                TrainingOptions o = TrainingOptions.defaults().withThreads(threads).withResumeEvery(0)
                        .withPacking(packing);
                Timer t = new Timer();
                FineTuneRun.run(new FineTuneRequest(model, null, data, List.of(),
                        new TrainingSpec.Hyperparameters(1, batch, null), TrainingSpec.Method.LORA, 1,
                        dir.resolve("w" + round + packing), o), t);
                System.out.printf("packing=%s: %.0f tokens/s (median of %d steps, batch %d, %d thread(s))%n",
                        packing, t.medianTokensPerSecond(), steps - 1, batch, threads);
            }
        }
    }

    private static ChatExample conversation(SplittableRandom r) {
        List<ChatMessage> m = new ArrayList<>(List.of(ChatMessage.text("system", SYSTEM)));
        int turns = 1 + r.nextInt(4);
        for (int i = 0; i < turns; i++) {
            List<String> qa = QA.get(r.nextInt(QA.size()));
            m.add(ChatMessage.text("user", qa.get(0)));
            m.add(ChatMessage.text("assistant", qa.get(1)));
        }
        return new ChatExample(m);
    }

    /** Tokens/s of each step after the first, timed between step reports. */
    private static final class Timer implements TrainingListener {
        private final List<Double> rates = new ArrayList<>();
        private long last;
        private long lastTokens;

        @Override public void onPlan(TrainingPlan plan) { last = System.nanoTime(); }

        @Override public void onStep(StepMetrics m) {
            long now = System.nanoTime();
            if (m.step() > 1) rates.add((m.tokensSeen() - lastTokens) / ((now - last) / 1e9));
            last = now;
            lastTokens = m.tokensSeen();
        }

        @Override public void onCheckpoint(CheckpointInfo c) {}

        @Override public void onWarning(String message) {}

        double medianTokensPerSecond() {
            double[] s = rates.stream().mapToDouble(d -> d).sorted().toArray();
            return s.length == 0 ? 0 : s[s.length / 2];
        }
    }
}
