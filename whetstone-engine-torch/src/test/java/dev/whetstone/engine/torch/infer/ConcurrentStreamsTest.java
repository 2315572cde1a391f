package dev.whetstone.engine.torch.infer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.engine.inference.SamplingOptions;
import dev.whetstone.engine.inference.ServedModel;
import dev.whetstone.engine.inference.ServingSpec;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Eight clients at once, on two adapters of one base, from eight threads: each gets what it gets alone. */
class ConcurrentStreamsTest {
    @TempDir Path dir;

    @Test
    void eightConcurrentGenerationsAcrossTwoAdaptersMatchTheirSoloRuns() throws Exception {
        Path base = InferFixtures.model(dir.resolve("base"), TinyModelFactory.Arch.QWEN2, 8);
        Path a = InferFixtures.adapter(base, dir.resolve("a"), 3);
        Path b = InferFixtures.adapter(base, dir.resolve("b"), 4);
        try (TorchInferenceEngine engine = new TorchInferenceEngine(InferFixtures.options())) {
            List<ServedModel> models = List.of(engine.load(new ServingSpec("a", base, a)),
                    engine.load(new ServingSpec("b", base, b)));
            List<String> solo = new ArrayList<>();
            for (int i = 0; i < 8; i++) solo.add(generate(models.get(i % 2), i));
            assertThat(solo.get(0)).isNotEqualTo(solo.get(1));
            CountDownLatch start = new CountDownLatch(1);
            try (var pool = Executors.newFixedThreadPool(8)) {
                List<Future<String>> results = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    int n = i;
                    results.add(pool.submit(() -> {
                        start.await();
                        return generate(models.get(n % 2), n);
                    }));
                }
                start.countDown();
                for (int i = 0; i < 8; i++) assertThat(results.get(i).get()).as("stream %d", i).isEqualTo(solo.get(i));
            }
        }
    }

    /** Stream i: its own prompt, length and seed (sampled for odd i, greedy for even). */
    private static String generate(ServedModel m, int i) throws Exception {
        SamplingOptions o = new SamplingOptions(20 + 3 * i, i % 2 == 0 ? 0 : 0.8, 0.9, 1000L + i, 0, 0, Map.of(),
                List.of(), -1);
        InferFixtures.Recorder r = new InferFixtures.Recorder();
        m.generate(m.textPrompt("Customer " + i + " asks about a late delivery"), o, r);
        assertThat(r.result().error).isNull();
        return r.text();
    }
}
