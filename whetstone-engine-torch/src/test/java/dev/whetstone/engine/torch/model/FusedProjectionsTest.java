package dev.whetstone.engine.torch.model;

import dev.whetstone.engine.torch.demo.TinyModelFactory;
import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.engine.torch.PinnedThreads;
import dev.whetstone.testing.Tolerances;
import java.nio.file.Path;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Serving's stacked q/k/v and gate/up products give the separate products' logits and alias their weights. */
@ExtendWith(PinnedThreads.class)
class FusedProjectionsTest {
    @TempDir Path dir;

    @ParameterizedTest
    @EnumSource(value = TinyModelFactory.Arch.class, names = {"LLAMA", "QWEN2"})
    void fusedLogitsEqualTheSeparateOnesAndWeightsStayShared(TinyModelFactory.Arch arch) throws Exception {
        TinyModelFactory.writeWeights(dir, arch, 61, 42);
        try (CausalLm model = CausalLm.load(dir, new LoadOptions(Precision.FP32, false));
             PointerScope scope = new PointerScope();
             NoGrad ng = NoGrad.enter()) {
            long[] ids = new Random(7).longs(9, 0, 61).toArray();
            Tensor input = Tensors.longs(ids, 1, ids.length);
            float[] separate = Tensors.toFloats(model.logits(model.hidden(input, null, null)));
            model.fuseProjections();
            model.fuseProjections();                                                // idempotent
            float[] fused = Tensors.toFloats(model.logits(model.hidden(input, null, null)));
            // the stacked product sums the same terms in a kernel of another shape: fp32 rounding only
            double tol = Tolerances.fp32(maxAbs(separate),
                    ModelTolerances.forwardOps(TinyModelFactory.Spec.tiny(arch, 61)));
            assertThat(maxDiff(fused, separate)).as("fused vs separate logits").isLessThan(tol);
            // the parts' weights are views of the stacked weight: an in-place change reaches the fused product
            Tensor up = model.parameters().get("model.layers.0.mlp.up_proj.weight");
            up.mul_(Tensors.scalar(0));
            float[] changed = Tensors.toFloats(model.logits(model.hidden(input, null, null)));
            assertThat(maxDiff(changed, fused)).as("zeroed up_proj changes the fused output").isGreaterThan(1e-3);
        }
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float x : a) m = Math.max(m, Math.abs(x));
        return m;
    }

    private static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }
}
