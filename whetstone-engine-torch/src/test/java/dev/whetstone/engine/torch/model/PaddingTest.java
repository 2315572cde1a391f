package dev.whetstone.engine.torch.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batched, padded sequences give the same hidden states at real tokens as each sequence alone. */
class PaddingTest {
    private static final long[] A = {5, 9, 3, 7, 1, 4};
    private static final long[] B = {8, 2, 6};

    @TempDir Path dir;

    @BeforeEach
    void model() throws Exception {
        TinyModelFactory.write(dir, new TinyModelFactory.Spec(TinyModelFactory.Arch.LLAMA, 23, 32, 2, 4, 2, 48, 64,
                true, null, false), 1);
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

    private static Tensor alone(CausalLm m, long[] ids) {
        return m.hidden(Tensors.longs(ids, 1, ids.length), null, null).select(0, 0);
    }

    private static void assertClose(Tensor a, Tensor b) {
        assertThat(a.shape()).containsExactly(b.shape());
        assertThat(Tensors.item(a.sub(b).abs().max())).isLessThan(1e-10);
    }
}
