package dev.whetstone.engine.torch.infer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.engine.torch.PinnedThreads;
import dev.whetstone.engine.torch.data.ImageFrames;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import dev.whetstone.engine.torch.demo.TinyVisionFactory;
import dev.whetstone.engine.torch.model.LoadOptions;
import dev.whetstone.engine.torch.model.NoGrad;
import dev.whetstone.engine.torch.model.Precision;
import dev.whetstone.engine.torch.model.Tensors;
import dev.whetstone.engine.torch.vision.VisionLm;
import dev.whetstone.testing.Tolerances;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serving a vision-language model: the KV-cached prefill with the image spliced in, then cached decode steps, give
 * the logits of the uncached forward pass over the whole sequence (fp64 model; the served logits are fp32).
 */
@ExtendWith(PinnedThreads.class)
class VisionPrefillTest {
    static final int IMAGE_TOKEN = 60;

    @TempDir Path dir;

    @Test
    void cachedPrefillWithAnImageAndDecodeStepsEqualTheUncachedForwardPass() throws Exception {
        TinyModelFactory.Spec text = new TinyModelFactory.Spec(TinyModelFactory.Arch.LLAMA, 61, 32, 2, 4, 2, 48, 64,
                false, null, false);
        TinyVisionFactory.write(dir, new TinyVisionFactory.Spec(text, 16, 2, 2, 24, 16, 4, 2, IMAGE_TOKEN), 5,
                TinyModelFactory.Init.FAN_IN);
        Random rnd = new Random(9);
        float[] pixels = new float[3 * 16 * 16];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (float) (rnd.nextDouble() * 2 - 1);
        ImageFrames frames = new ImageFrames(pixels, 1, 16);
        int[] prompt = {7, 3, 12, IMAGE_TOKEN, IMAGE_TOKEN, IMAGE_TOKEN, IMAGE_TOKEN, 40, 2};
        VisionLm model = VisionLm.load(dir, new LoadOptions(Precision.FP64, false));
        try (ModelStep step = new ModelStep(model.text(), model, 1, 64); NoGrad ng = NoGrad.enter()) {
            int[] seq = prompt.clone();
            float[] served = step.prefill(prompt, 0, null, frames);
            for (int i = 0; i < 6; i++) {
                double[] expected = uncachedLastLogits(model, seq, pixels);
                double maxAbs = Arrays.stream(expected).map(Math::abs).max().orElse(0);
                double maxErr = 0;
                for (int v = 0; v < expected.length; v++) maxErr = Math.max(maxErr, Math.abs(served[v] - expected[v]));
                assertThat(maxAbs).isGreaterThan(1e-3);
                // the served logits are the fp64 ones rounded once to fp32
                assertThat(maxErr).as("step %d", i).isLessThan(Tolerances.fp32(maxAbs, 1));
                int next = argmax(expected);
                seq = Arrays.copyOf(seq, seq.length + 1);
                seq[seq.length - 1] = next;
                served = step.decode(new int[] {next}, new long[] {seq.length - 1L}, new LoraWeights[1]);
            }
        }
    }

    private static double[] uncachedLastLogits(VisionLm model, int[] seq, float[] pixels) {
        try (PointerScope scope = new PointerScope()) {
            long[] ids = Arrays.stream(seq).asLongStream().toArray();
            Tensor features = model.imageFeatures(Tensors.floats(pixels, 1, 3, 16, 16));
            Tensor h = model.hidden(Tensors.longs(ids, 1, ids.length), features, null, null, null);
            return Tensors.toDoubles(model.text().logits(h.select(1, ids.length - 1)));
        }
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
