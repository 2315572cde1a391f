package dev.whetstone.engine.torch.lora;

import dev.whetstone.engine.torch.model.LinearAdapter;
import dev.whetstone.engine.torch.model.Tensors;
import java.util.function.BooleanSupplier;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The low-rank update of one frozen linear layer: delta(x) = scaling · B(A(dropout(x))). A (r, in) and B (out, r)
 * are fp32 leaves; they are cast (differentiably) to the activations' dtype, so a bf16 base trains fp32 adapters
 * with bf16 matmuls.
 */
final class LoraLinear implements LinearAdapter {
    private final Tensor a;
    private final Tensor b;
    private final double scaling;
    private final double dropout;
    private final BooleanSupplier training;
    private final BooleanSupplier enabled;

    LoraLinear(Tensor a, Tensor b, double scaling, double dropout, BooleanSupplier training, BooleanSupplier enabled) {
        this.a = a;
        this.b = b;
        this.scaling = scaling;
        this.dropout = dropout;
        this.training = training;
        this.enabled = enabled;
    }

    Tensor a() { return a; }

    Tensor b() { return b; }

    double scaling() { return scaling; }

    @Override
    public Tensor delta(Tensor x) {
        // scale the rank-r intermediate (…, r), not the (…, out) result: r ≪ out
        return torch.linear(down(x).mul(Tensors.scalar(scaling)), b.to(Tensors.type(x)));
    }

    /** A·dropout(x) (…, r) in x's dtype: the adapter's input side, unscaled. */
    private Tensor down(Tensor x) {
        Tensor in = dropout > 0 && training.getAsBoolean() ? torch.dropout(x, dropout, true) : x;
        return torch.linear(in, a.to(Tensors.type(x)));
    }

    /**
     * Leaves the base projection as it is while the adapters are switched off (DPO's reference pass). The scaling
     * goes into the add (PEFT's {@code result + lora_B(lora_A(x)) * scaling} in one pass instead of two).
     */
    @Override
    public Tensor apply(Tensor x, Tensor y) {
        if (!enabled.getAsBoolean()) return y;
        return y.add_(torch.linear(down(x), b.to(Tensors.type(x))), Tensors.scalar(scaling));
    }

    @Override
    public LowRank lowRank() {
        return enabled.getAsBoolean() ? new LowRank(a, b, scaling, training.getAsBoolean() ? dropout : 0) : null;
    }

    /** scaling · B·A (out, in) in fp32. */
    Tensor deltaWeight() { return b.mm(a).mul(Tensors.scalar(scaling)); }
}
