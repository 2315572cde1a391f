package dev.whetstone.engine.torch.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.engine.StepMetrics;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.engine.torch.model.TinyModelFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Native memory is freed step by step: resident memory stays flat over hundreds of training steps. */
class NativeMemoryTest {
    @TempDir Path dir;

    @Test
    void residentMemoryStaysFlatOverHundredsOfSteps() throws Exception {
        Path base = dir.resolve("base");
        TinyModelFactory.writeWeights(base, TinyModelFactory.Arch.LLAMA, 32, 5);
        List<Long> rss = new ArrayList<>();
        RecordingListener l = new RecordingListener() {
            @Override
            public void onStep(StepMetrics m) {
                super.onStep(m);
                rss.add(ProcessMemory.rssBytes());
            }
        };
        var hp = new TrainingSpec.Hyperparameters(1, 2, 1.0);
        FineTuneRun.run(TrainingFixtures.request(base, dir.resolve("w"), TrainingFixtures.varied(600, 3),
                TrainingFixtures.varied(6, 4), hp, TrainingSpec.Method.LORA,
                TrainingFixtures.options().withValidEvery(10).withResumeEvery(0)), l);
        assertThat(rss).hasSize(300);
        // From warm (allocator pools filled) to just before the epoch end, whose checkpoint write allocates more.
        long warm = rss.get(99);
        long end = rss.get(289);
        System.out.printf("RSS after step 100: %d MB, after step 290: %d MB%n", warm >> 20, end >> 20);
        // A leak of one 64×64 fp32 tensor per op would add tens of MB over these 190 steps.
        assertThat(end - warm).as("RSS growth from step 100 to 290 (bytes)").isLessThan(8L << 20);
    }
}
