package dev.whetstone.engine.torch.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.engine.torch.PinnedThreads;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import dev.whetstone.testing.Tolerances;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.Consumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Phi3ForCausalLM against {@link Phi3Reference}, an independent float64 forward pass: fused qkv_proj and
 * gate_up_proj, RoPE on 3/4 of each head (Phi-4-mini's partial_rotary_factor), longrope's short factors (sequence
 * within original_max_position_embeddings), its long factors (beyond it), an explicit attention_factor, no
 * rope_scaling at all, a sliding window, tied and untied heads.
 */
@ExtendWith(PinnedThreads.class)
class Phi3ModelTest {
    private static final int VOCAB = 61;
    private static final int TOKENS = 11;

    @TempDir Path dir;

    /** maxPositions 64: longrope's default original context is 32, so 11 tokens use the short factors. */
    private static TinyModelFactory.Spec shortFactors() {
        return new TinyModelFactory.Spec(TinyModelFactory.Arch.PHI3, VOCAB, 32, 2, 4, 2, 48, 64, true, null, false);
    }

    /** original context 8 < 11 tokens: the long factors; untied, one KV head, a window of 4 keys. */
    private static TinyModelFactory.Spec longFactors() {
        return new TinyModelFactory.Spec(TinyModelFactory.Arch.PHI3, VOCAB, 32, 2, 4, 1, 48, 64, false,
                new RopeScaling("longrope", 0, 0, 0, 8), false, 4);
    }

    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"FP32", "FP64"})
    void shortFactorsMatchTheReference(Precision p) throws Exception {
        assertMatchesReference(shortFactors(), p, c -> {});
    }

    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"FP32", "FP64"})
    void longFactorsWithASlidingWindowMatchTheReference(Precision p) throws Exception {
        assertMatchesReference(longFactors(), p, c -> {});
    }

    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"FP32", "FP64"})
    void anExplicitAttentionFactorMatchesTheReference(Precision p) throws Exception {
        assertMatchesReference(longFactors(), p, c -> ((ObjectNode) c.get("rope_scaling")).put("attention_factor", 1.7));
    }

    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"FP32", "FP64"})
    void withoutRopeScalingThePartialRotaryStillMatches(Precision p) throws Exception {
        assertMatchesReference(shortFactors(), p, c -> c.putNull("rope_scaling"));
    }

    /**
     * The two regimes really differ (so the tests above can tell them apart): the same weights give other logits
     * when original_max_position_embeddings moves from above to below the sequence length.
     */
    @Test
    void theFactorsChangeTheLogits() throws Exception {
        TinyModelFactory.write(dir, shortFactors(), 42);
        double[] shortRun = engineLogits(Precision.FP64);
        edit(c -> c.put("original_max_position_embeddings", 8));
        double[] longRun = engineLogits(Precision.FP64);
        double diff = 0;
        for (int i = 0; i < shortRun.length; i++) diff = Math.max(diff, Math.abs(shortRun[i] - longRun[i]));
        assertThat(diff).isGreaterThan(1e-3);
    }

    /**
     * Longrope chooses its factors per row: in a left-padded batch, an 11-token sequence (past the original context
     * of 8: long factors) and a 5-token one (short factors) each give the hidden states they give alone, although
     * transformers would rotate both with the long factors of the batch's longest row.
     */
    @Test
    void aBatchOfALongAndAShortSequenceEqualsEachAlone() throws Exception {
        TinyModelFactory.write(dir, longFactors(), 42);
        long[] longSeq = {5, 9, 3, 7, 1, 4, 8, 2, 6, 11, 12};
        long[] shortSeq = {8, 2, 6, 13, 14};
        long[] batch = new long[22];
        long[] positions = new long[22];
        boolean[] valid = new boolean[22];
        for (int i = 0; i < 11; i++) {
            batch[i] = longSeq[i];
            positions[i] = i;
            valid[i] = true;
        }
        for (int i = 0; i < 5; i++) {
            batch[11 + 6 + i] = shortSeq[i];
            positions[11 + 6 + i] = i;
            valid[11 + 6 + i] = true;
        }
        try (CausalLm m = CausalLm.load(dir, new LoadOptions(Precision.FP64, false));
             PointerScope scope = new PointerScope(); NoGrad ng = NoGrad.enter()) {
            Tensor keyValid = org.bytedeco.pytorch.AbstractTensor.create(valid, 2, 11).clone();
            Tensor h = m.hidden(Tensors.longs(batch, 2, 11), Tensors.longs(positions, 2, 11), keyValid);
            Tensor longAlone = m.hidden(Tensors.longs(longSeq, 1, 11), null, null).select(0, 0);
            Tensor shortAlone = m.hidden(Tensors.longs(shortSeq, 1, 5), null, null).select(0, 0);
            double tol = Tolerances.fp64(Tensors.item(longAlone.abs().max()), ModelTolerances.forwardOps(longFactors()));
            assertThat(Tensors.item(h.select(0, 0).sub(longAlone).abs().max())).isLessThan(tol);
            assertThat(Tensors.item(h.select(0, 1).narrow(0, 6, 5).sub(shortAlone).abs().max())).isLessThan(tol);
            // the same short sequence rotated with the long factors (forced) differs far beyond the tolerance, so a
            // batch-wide choice would fail the comparison above
            try (KvCache cache = new KvCache(m.config(), m.computeType(), 1, 16, 16)) {
                Tensor forced = m.hiddenCached(Tensors.longs(shortSeq, 1, 5), new long[] {0}, cache, 0,
                        new long[] {11}).select(0, 0);
                assertThat(Tensors.item(forced.sub(shortAlone).abs().max())).isGreaterThan(1e6 * tol);
            }
        }
    }

    private void assertMatchesReference(TinyModelFactory.Spec spec, Precision precision, Consumer<ObjectNode> change)
            throws Exception {
        TinyModelFactory.write(dir, spec, 42);
        edit(change);
        Phi3Reference ref = new Phi3Reference(new ObjectMapper().readTree(dir.resolve("config.json").toFile()),
                RawWeights.read(dir.resolve("model.safetensors")));
        double[][] expected = ref.logits(ids());
        double[] got = engineLogits(precision);
        double maxErr = 0;
        double maxAbs = 0;
        for (int t = 0; t < TOKENS; t++) {
            for (int v = 0; v < VOCAB; v++) {
                maxErr = Math.max(maxErr, Math.abs(got[t * VOCAB + v] - expected[t][v]));
                maxAbs = Math.max(maxAbs, Math.abs(expected[t][v]));
            }
        }
        assertThat(maxAbs).as("logits are not trivially zero").isGreaterThan(1e-3);
        double tol = Tolerances.rounding(ModelTolerances.eps(precision), maxAbs, ModelTolerances.forwardOps(spec));
        assertThat(maxErr).as("max |logit − reference|").isLessThan(tol);
    }

    private double[] engineLogits(Precision precision) throws Exception {
        int[] ids = ids();
        try (CausalLm model = CausalLm.load(dir, new LoadOptions(precision, false));
             PointerScope scope = new PointerScope(); NoGrad ng = NoGrad.enter()) {
            long[] l = new long[ids.length];
            for (int i = 0; i < ids.length; i++) l[i] = ids[i];
            Tensor logits = model.logits(model.hidden(Tensors.longs(l, 1, l.length), null, null));
            return Tensors.toDoubles(logits);
        }
    }

    private void edit(Consumer<ObjectNode> change) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = (ObjectNode) json.readTree(dir.resolve("config.json").toFile());
        change.accept(c);
        json.writeValue(dir.resolve("config.json").toFile(), c);
    }

    private static int[] ids() { return new Random(7).ints(TOKENS, 0, VOCAB).toArray(); }
}
