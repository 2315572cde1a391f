package dev.whetstone.engine.torch.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.engine.torch.PinnedThreads;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import dev.whetstone.engine.torch.demo.TinyVisionFactory;
import dev.whetstone.engine.torch.model.LoadOptions;
import dev.whetstone.engine.torch.model.ModelTolerances;
import dev.whetstone.engine.torch.model.NoGrad;
import dev.whetstone.engine.torch.model.Precision;
import dev.whetstone.engine.torch.model.RawWeights;
import dev.whetstone.engine.torch.model.Tensors;
import dev.whetstone.engine.torch.model.UnsupportedModelException;
import dev.whetstone.testing.Tolerances;
import java.nio.file.Path;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The engine's Idefics3ForConditionalGeneration agrees with an independent double-precision formulation
 * ({@link ReferenceVlm}) on a random tiny checkpoint in the published SmolVLM layout: two sequences, three image
 * frames spliced at their image tokens.
 */
@ExtendWith(PinnedThreads.class)
class VisionLmReferenceTest {
    static final int IMAGE_TOKEN = 60;
    static final int VOCAB = 61;

    @TempDir Path dir;

    /** Vision: 16 × 16 frames of 4 × 4 patches (16 per frame), shuffled by 2 into 4 tokens; a Llama decoder. */
    static TinyVisionFactory.Spec spec(boolean tied) {
        TinyModelFactory.Spec text = new TinyModelFactory.Spec(TinyModelFactory.Arch.LLAMA, VOCAB, 32, 2, 4, 2, 48,
                64, tied, null, false);
        return new TinyVisionFactory.Spec(text, 16, 2, 2, 24, 16, 4, 2, IMAGE_TOKEN);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Precision.class, names = {"FP32", "FP64"})
    void logitsMatchTheReference(Precision precision) throws Exception {
        assertMatches(spec(false), precision);
    }

    @Test
    void tiedHeadMatchesTheReference() throws Exception {
        assertMatches(spec(true), Precision.FP64);
    }

    private void assertMatches(TinyVisionFactory.Spec spec, Precision precision) throws Exception {
        TinyVisionFactory.write(dir, spec, 42, TinyModelFactory.Init.FAN_IN);
        ReferenceVlm ref = new ReferenceVlm(new ObjectMapper().readTree(dir.resolve("config.json").toFile()),
                RawWeights.read(dir.resolve("model.safetensors")));
        Random rnd = new Random(7);
        int s = spec.imageSize();
        double[][][][] frames = new double[3][3][s][s];
        for (double[][][] f : frames) {
            for (double[][] c : f) for (double[] row : c) for (int x = 0; x < s; x++) row[x] = rnd.nextDouble() * 2 - 1;
        }
        int l = spec.imageSeqLen();
        // row 0: text, frame 0, text, frame 1, text; row 1: text, frame 2, text — both 3 + 2l + 4 = 15 tokens long
        int[] row0 = tokens(rnd, new int[] {2, l, 2, l, 3});
        int[] row1 = tokens(rnd, new int[] {5, l, 6});
        double[][] want0 = ref.logits(row0, new double[][][][] {frames[0], frames[1]});
        double[][] want1 = ref.logits(row1, new double[][][][] {frames[2]});
        try (VisionLm model = VisionLm.load(dir, new LoadOptions(precision, false));
             PointerScope scope = new PointerScope();
             NoGrad ng = NoGrad.enter()) {
            Tensor ids = Tensors.longs(concat(row0, row1), 2, row0.length);
            Tensor pixels = Tensors.doubles(flatten(frames), 3, 3, s, s);
            Tensor logits = model.text().logits(model.hidden(ids, model.imageFeatures(pixels), null, null, null));
            assertThat(logits.shape()).containsExactly(2, row0.length, VOCAB);
            double[] got = Tensors.toDoubles(logits);
            double maxErr = 0;
            double maxAbs = 0;
            for (int r = 0; r < 2; r++) {
                double[][] want = r == 0 ? want0 : want1;
                for (int t = 0; t < row0.length; t++) {
                    for (int v = 0; v < VOCAB; v++) {
                        maxErr = Math.max(maxErr, Math.abs(got[(r * row0.length + t) * VOCAB + v] - want[t][v]));
                        maxAbs = Math.max(maxAbs, Math.abs(want[t][v]));
                    }
                }
            }
            assertThat(maxAbs).as("logits are not trivially zero").isGreaterThan(1e-3);
            // a logit passes the patch product, each encoder layer's MLP, the connector and each decoder layer's MLP
            long ops = 3L * spec.patchSize() * spec.patchSize() + (long) spec.visionLayers() * spec.visionIntermediate()
                    + (long) spec.visionHidden() * spec.scaleFactor() * spec.scaleFactor()
                    + (long) spec.text().layers() * spec.text().intermediate();
            assertThat(maxErr).as("max |logit − reference|")
                    .isLessThan(Tolerances.rounding(ModelTolerances.eps(precision), maxAbs, ops));
        }
    }

    @Test
    void imageFeaturesChangeTheLogitsAtAndAfterTheImageOnly() throws Exception {
        TinyVisionFactory.Spec spec = spec(false);
        TinyVisionFactory.write(dir, spec, 42, TinyModelFactory.Init.FAN_IN);
        int l = spec.imageSeqLen();
        int[] row = tokens(new Random(3), new int[] {3, l, 2});
        int s = spec.imageSize();
        try (VisionLm model = VisionLm.load(dir, new LoadOptions(Precision.FP64, false));
             PointerScope scope = new PointerScope();
             NoGrad ng = NoGrad.enter()) {
            Tensor ids = Tensors.longs(toLongs(row), 1, row.length);
            double[] a = Tensors.toDoubles(model.text().logits(model.hidden(ids,
                    model.imageFeatures(Tensors.doubles(new double[3 * s * s], 1, 3, s, s)), null, null, null)));
            double[] ones = new double[3 * s * s];
            java.util.Arrays.fill(ones, 1.0);
            double[] b = Tensors.toDoubles(model.text().logits(model.hidden(ids,
                    model.imageFeatures(Tensors.doubles(ones, 1, 3, s, s)), null, null, null)));
            for (int t = 0; t < row.length; t++) {
                double diff = 0;
                for (int v = 0; v < VOCAB; v++) diff = Math.max(diff, Math.abs(a[t * VOCAB + v] - b[t * VOCAB + v]));
                // causal: the three text tokens before the image cannot see it
                if (t < 3) assertThat(diff).as("token %d", t).isZero();
                else assertThat(diff).as("token %d", t).isGreaterThan(1e-3);
            }
        }
    }

    @Test
    void imageTokenCountMustMatchTheFeatures() throws Exception {
        TinyVisionFactory.Spec spec = spec(false);
        TinyVisionFactory.write(dir, spec, 42, TinyModelFactory.Init.FAN_IN);
        int s = spec.imageSize();
        try (VisionLm model = VisionLm.load(dir, new LoadOptions(Precision.FP32, false));
             PointerScope scope = new PointerScope();
             NoGrad ng = NoGrad.enter()) {
            int[] row = tokens(new Random(3), new int[] {3, spec.imageSeqLen() - 1, 2});
            Tensor ids = Tensors.longs(toLongs(row), 1, row.length);
            Tensor features = model.imageFeatures(Tensors.floats(new float[3 * s * s], 1, 3, s, s));
            assertThatThrownBy(() -> model.embed(ids, features)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("3 image tokens").hasMessageContaining("4 feature rows");
        }
    }

    @Test
    void unsupportedConfigsAreRefusedPrecisely() throws Exception {
        TinyVisionFactory.write(dir, spec(false), 42, TinyModelFactory.Init.FAN_IN);
        ObjectMapper json = new ObjectMapper();
        Path config = dir.resolve("config.json");
        ObjectNode original = (ObjectNode) json.readTree(config.toFile());

        ObjectNode gpt2 = original.deepCopy();
        ((ObjectNode) gpt2.get("text_config")).put("model_type", "gpt2");
        json.writeValue(config.toFile(), gpt2);
        assertThatThrownBy(() -> VisionLm.load(dir, LoadOptions.frozen())).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("text_config.model_type 'gpt2'");

        ObjectNode scale = original.deepCopy();
        scale.put("scale_factor", 3);
        json.writeValue(config.toFile(), scale);
        assertThatThrownBy(() -> VisionLm.load(dir, LoadOptions.frozen())).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("scale_factor 3 does not divide the 4 patches per side");

        ObjectNode act = original.deepCopy();
        ((ObjectNode) act.get("vision_config")).put("hidden_act", "relu");
        json.writeValue(config.toFile(), act);
        assertThatThrownBy(() -> VisionLm.load(dir, LoadOptions.frozen())).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("vision_config.hidden_act 'relu'");

        ObjectNode wider = original.deepCopy();
        ((ObjectNode) wider.get("vision_config")).put("intermediate_size", 25);
        json.writeValue(config.toFile(), wider);
        assertThatThrownBy(() -> VisionLm.load(dir, LoadOptions.frozen())).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("model.vision_model.encoder.layers.0.mlp.fc1.weight")
                .hasMessageContaining("[25, 16]");

        ObjectNode fewerLayers = original.deepCopy();
        ((ObjectNode) fewerLayers.get("vision_config")).put("num_hidden_layers", 1);
        json.writeValue(config.toFile(), fewerLayers);
        assertThatThrownBy(() -> VisionLm.load(dir, LoadOptions.frozen())).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("does not use").hasMessageContaining("model.vision_model.encoder.layers.1.");
    }

    private static int[] tokens(Random rnd, int[] runs) {
        int n = 0;
        for (int r : runs) n += r;
        int[] out = new int[n];
        int i = 0;
        for (int k = 0; k < runs.length; k++) {
            for (int j = 0; j < runs[k]; j++) out[i++] = k % 2 == 1 ? IMAGE_TOKEN : rnd.nextInt(IMAGE_TOKEN);
        }
        return out;
    }

    private static long[] concat(int[] a, int[] b) {
        long[] out = new long[a.length + b.length];
        for (int i = 0; i < a.length; i++) out[i] = a[i];
        for (int i = 0; i < b.length; i++) out[a.length + i] = b[i];
        return out;
    }

    private static long[] toLongs(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) out[i] = a[i];
        return out;
    }

    private static double[] flatten(double[][][][] frames) {
        int s = frames[0][0].length;
        double[] out = new double[frames.length * 3 * s * s];
        int i = 0;
        for (double[][][] f : frames) for (double[][] c : f) for (double[] row : c) for (double v : row) out[i++] = v;
        return out;
    }
}
