package dev.whetstone.engine.torch.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * A linear projection {@code y = x Wᵀ + b} with weight (out, in) — GPT-2's Conv1D weights are transposed to this
 * layout at load — and an optional {@link LinearAdapter}.
 */
public final class Linear {
    private final String name;
    private final Tensor weight;
    private final Tensor bias;
    private LinearAdapter adapter;

    Linear(String name, Tensor weight, Tensor bias) {
        this.name = name;
        this.weight = weight;
        this.bias = bias;
    }

    /** The module path in the Hugging Face checkpoint, e.g. {@code model.layers.0.self_attn.q_proj}. */
    public String name() { return name; }

    /** The weight, (out, in); modified in place when an adapter is merged. */
    public Tensor weight() { return weight; }

    public Tensor bias() { return bias; }

    public long inFeatures() { return weight.size(1); }

    public long outFeatures() { return weight.size(0); }

    public LinearAdapter adapter() { return adapter; }

    /** Attaches (or with null, removes) the adapter. */
    public void setAdapter(LinearAdapter adapter) { this.adapter = adapter; }

    /** x (…, in) → (…, out). */
    public Tensor forward(Tensor x) {
        Tensor y = bias == null ? torch.linear(x, weight) : torch.linear(x, weight, new TensorOptional(bias));
        // in place: autograd keeps the projection's inputs, not its output
        return adapter == null ? y : adapter.apply(x, y);
    }
}
