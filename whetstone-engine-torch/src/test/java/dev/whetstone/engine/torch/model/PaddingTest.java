package dev.whetstone.engine.torch.model;

import dev.whetstone.engine.torch.demo.TinyModelFactory;
import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.engine.torch.PinnedThreads;
import dev.whetstone.testing.Tolerances;
import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Batched, padded or packed sequences give the same hidden states at real tokens as each sequence alone, for every
 * architecture (the 6-token sequence is longer than the sliding window of Mistral's and Gemma's tiny models).
 */
@ExtendWith(PinnedThreads.class)
class PaddingTest {
    private static final long[] A = {5, 9, 3, 7, 1, 4};
    private static final long[] B = {8, 2, 6};

    @TempDir Path dir;

    private TinyModelFactory.Spec spec;

    private void model(TinyModelFactory.Arch arch) throws Exception {
        spec = new TinyModelFactory.Spec(arch, 23, 32, 2, 4, arch == TinyModelFactory.Arch.GPT2 ? 4 : 2, 48, 64, true,
                null, false);
        TinyModelFactory.write(dir, spec, 1);
    }

    @ParameterizedTest
    @EnumSource(TinyModelFactory.Arch.class)
    void rightPaddingNeedsNoMask(TinyModelFactory.Arch arch) throws Exception {
        model(arch);
        try (CausalLm m = CausalLm.load(dir, new LoadOptions(Precision.FP64, false));
             PointerScope s = new PointerScope(); NoGrad ng = NoGrad.enter()) {
            long[] batch = {5, 9, 3, 7, 1, 4, 8, 2, 6, 0, 0, 0};
            Tensor h = m.hidden(Tensors.longs(batch, 2, 6), null, null);
            assertClose(h.select(0, 1).narrow(0, 0, 3), alone(m, B));
            assertClose(h.select(0, 0), alone(m, A));
        }
    }

    @ParameterizedTest
    @EnumSource(TinyModelFactory.Arch.class)
    void leftPaddingUsesTheKeyMaskAndPositions(TinyModelFactory.Arch arch) throws Exception {
        model(arch);
        try (CausalLm m = CausalLm.load(dir, new LoadOptions(Precision.FP64, false));
             PointerScope s = new PointerScope(); NoGrad ng = NoGrad.enter()) {
            long[] batch = {5, 9, 3, 7, 1, 4, 0, 0, 0, 8, 2, 6};
            long[] positions = {0, 1, 2, 3, 4, 5, 0, 0, 0, 0, 1, 2};
            boolean[] valid = {true, true, true, true, true, true, false, false, false, true, true, true};
            Tensor keyValid = org.bytedeco.pytorch.AbstractTensor.create(valid, 2, 6).clone();
            Tensor h = m.hidden(Tensors.longs(batch, 2, 6), Tensors.longs(positions, 2, 6), keyValid);
            assertClose(h.select(0, 1).narrow(0, 3, 3), alone(m, B));
            assertClose(h.select(0, 0), alone(m, A));
            for (double v : Tensors.toDoubles(h)) assertThat(v).isFinite();
        }
    }

    /** Packed rows: segment ids confine attention to each sequence, positions restart at 0 for each. */
    @ParameterizedTest
    @EnumSource(TinyModelFactory.Arch.class)
    void packedSequencesSeeOnlyThemselves(TinyModelFactory.Arch arch) throws Exception {
        model(arch);
        try (CausalLm m = CausalLm.load(dir, new LoadOptions(Precision.FP64, false));
             PointerScope s = new PointerScope(); NoGrad ng = NoGrad.enter()) {
            long[] positions = {0, 1, 2, 0, 1, 2, 3, 4, 5, 0};
            long[] segments = {0, 0, 0, 1, 1, 1, 1, 1, 1, -1};
            Tensor h = packed(m, new long[] {8, 2, 6, 5, 9, 3, 7, 1, 4, 0}, positions, segments);
            assertClose(h.narrow(0, 0, 3), alone(m, B));
            assertClose(h.narrow(0, 3, 6), alone(m, A));
            // changing the first sequence's tokens leaves the second's states exactly as they were
            Tensor changed = packed(m, new long[] {11, 12, 13, 5, 9, 3, 7, 1, 4, 0}, positions, segments);
            assertThat(Tensors.item(changed.narrow(0, 0, 3).sub(h.narrow(0, 0, 3)).abs().max())).isGreaterThan(1e-3);
            assertThat(Tensors.item(changed.narrow(0, 3, 6).sub(h.narrow(0, 3, 6)).abs().max())).isEqualTo(0.0);
        }
    }

    private static Tensor packed(CausalLm m, long[] ids, long[] positions, long[] segments) {
        int t = ids.length;
        return m.hidden(Tensors.longs(ids, 1, t), Tensors.longs(positions, 1, t), null,
                Tensors.longs(segments, 1, t)).select(0, 0);
    }

    private static Tensor alone(CausalLm m, long[] ids) {
        return m.hidden(Tensors.longs(ids, 1, ids.length), null, null).select(0, 0);
    }

    private void assertClose(Tensor a, Tensor b) {
        assertThat(a.shape()).containsExactly(b.shape());
        // fp64; a batch sums the same terms as the sequence alone, in kernels of other shapes
        double tol = Tolerances.fp64(Tensors.item(b.abs().max()), ModelTolerances.forwardOps(spec));
        assertThat(Tensors.item(a.sub(b).abs().max())).isLessThan(tol);
    }
}
