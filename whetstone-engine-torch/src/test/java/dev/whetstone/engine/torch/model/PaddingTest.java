package dev.whetstone.engine.torch.model;

import dev.whetstone.engine.torch.demo.TinyModelFactory;
import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.engine.torch.PinnedThreads;
import dev.whetstone.testing.Tolerances;
import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Batched, padded or packed sequences give the same hidden states at real tokens as each sequence alone. */
@ExtendWith(PinnedThreads.class)
class PaddingTest {
    private static final long[] A = {5, 9, 3, 7, 1, 4};
    private static final long[] B = {8, 2, 6};

    private static final TinyModelFactory.Spec SPEC = new TinyModelFactory.Spec(TinyModelFactory.Arch.LLAMA, 23, 32, 2,
            4, 2, 48, 64, true, null, false);

    @TempDir Path dir;

    @BeforeEach
    void model() throws Exception {
        TinyModelFactory.write(dir, SPEC, 1);
    }

    @Test
    void rightPaddingNeedsNoMask() throws Exception {
        try (CausalLm m = CausalLm.load(dir, new LoadOptions(Precision.FP64, false));
             PointerScope s = new PointerScope(); NoGrad ng = NoGrad.enter()) {
            long[] batch = {5, 9, 3, 7, 1, 4, 8, 2, 6, 0, 0, 0};
            Tensor h = m.hidden(Tensors.longs(batch, 2, 6), null, null);
            assertClose(h.select(0, 1).narrow(0, 0, 3), alone(m, B));
            assertClose(h.select(0, 0), alone(m, A));
        }
    }

    @Test
    void leftPaddingUsesTheKeyMaskAndPositions() throws Exception {
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
    @Test
    void packedSequencesSeeOnlyThemselves() throws Exception {
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

    private static void assertClose(Tensor a, Tensor b) {
        assertThat(a.shape()).containsExactly(b.shape());
        // fp64; a batch sums the same terms as the sequence alone, in kernels of other shapes
        double tol = Tolerances.fp64(Tensors.item(b.abs().max()), ModelTolerances.forwardOps(SPEC));
        assertThat(Tensors.item(a.sub(b).abs().max())).isLessThan(tol);
    }
}
