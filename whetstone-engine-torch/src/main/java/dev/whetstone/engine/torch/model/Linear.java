package dev.whetstone.engine.torch.model;

import dev.whetstone.engine.torch.kernel.RowProducts;
import dev.whetstone.engine.torch.kernel.RowWeights;
import java.util.List;
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
    private final torch.ScalarType castTo;
    private final boolean fp32;
    private LinearAdapter adapter;
    private RowWeights rows;
    private int maxRows;
    private float[] hostBias;

    Linear(String name, Tensor weight, Tensor bias) { this(name, weight, bias, null); }

    /** @param castTo the compute dtype when it differs from the weight's (mixed precision), else null */
    Linear(String name, Tensor weight, Tensor bias, torch.ScalarType castTo) {
        this.name = name;
        this.weight = weight;
        this.bias = bias;
        this.castTo = castTo;
        this.fp32 = castTo == null && Tensors.type(weight) == torch.ScalarType.Float;
    }

    /** The compute dtype each use casts the weight to, or null when it computes in the weight's own. */
    torch.ScalarType castTo() { return castTo; }

    /** A projection outside the decoder (the vision encoder's, the connector's); weight (out, in), bias or null. */
    public static Linear of(String name, Tensor weight, Tensor bias) { return new Linear(name, weight, bias); }

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

    /**
     * Serves products of up to {@code maxRows} input rows without autograd (decode steps) from {@code rows}, the
     * decode kernels' copy of this weight in the served format; null stops it.
     */
    public void serveRows(RowWeights rows, int maxRows) {
        this.rows = rows;
        this.maxRows = maxRows;
        this.hostBias = rows == null || bias == null ? null : Tensors.toFloats(bias);
    }

    /** The decode kernels' copy of this weight, or null. */
    public RowWeights rowWeights() { return rows; }

    /** x (…, in) → (…, out). */
    public Tensor forward(Tensor x) {
        if (rows != null) {
            Tensor y = rowProduct(x, adapter == null ? List.of() : java.util.Collections.singletonList(adapter),
                    new long[] {weight.size(0)});
            if (y != null) return y;
        }
        if (castTo != null) {
            // mixed precision: a differentiable cast per use (autocast's rule), so the weight's gradient is fp32
            Tensor w = weight.to(castTo);
            Tensor y = bias == null ? torch.linear(x, w) : torch.linear(x, w, new TensorOptional(bias.to(castTo)));
            return adapter == null ? y : adapter.apply(x, y);
        }
        Tensor y = fp32 && x.numel() == weight.size(1) ? vector(x)
                : bias == null ? torch.linear(x, weight) : torch.linear(x, weight, new TensorOptional(bias));
        // in place: autograd keeps the projection's inputs, not its output
        return adapter == null ? y : adapter.apply(x, y);
    }

    /**
     * The decode kernels' product for a few rows of x (…, in) → (…, out) in x's dtype, with adapters added into
     * their blocks of output columns ({@code blocks}: the widths, in order; an adapter may be null), or null when
     * the kernels do not take this input (more rows than chosen for them, or autograd recording).
     */
    Tensor rowProduct(Tensor x, List<LinearAdapter> adapters, long[] blocks) {
        if (rows == null || x.requires_grad()) return null;
        long m = x.numel() / rows.cols();
        if (m > maxRows) return null;
        float[] xs = RowProducts.read(x);
        int out = rows.rows();
        float[] y = RowProducts.multiply(rows, xs, (int) m);
        if (hostBias != null) {
            for (int i = 0; i < m; i++) {
                for (int r = 0; r < out; r++) y[i * out + r] += hostBias[r];
            }
        }
        boolean[] onTensor = new boolean[blocks.length];
        boolean any = false;
        int col = 0;
        for (int b = 0; b < blocks.length; b++) {
            LinearAdapter a = adapters.isEmpty() ? null : adapters.get(b);
            if (a != null && !a.addRows(xs, (int) m, y, out, col)) onTensor[b] = any = true;
            col += (int) blocks[b];
        }
        long[] shape = x.shape();
        shape[shape.length - 1] = out;
        Tensor t = RowProducts.tensor(y, shape, Tensors.type(x));
        if (any) {
            col = 0;
            for (int b = 0; b < blocks.length; b++) {
                if (onTensor[b]) adapters.get(b).apply(x, t.narrow(-1, col, blocks[b]));
                col += (int) blocks[b];
            }
        }
        return t;
    }

    /**
     * One row (batch-1 decoding) in fp32: W·x as a matrix-vector product. libtorch 2.7.1 sends a one-row fp32
     * {@code linear} through a GEMM that reads the weights at 5–12 GB/s here, {@code mv} at about 27 GB/s, the
     * memory's rate (measured on 30 × (1536, 576) weights, 2 threads).
     */
    private Tensor vector(Tensor x) {
        Tensor y = weight.mv(x.reshape(-1));
        if (bias != null) y = y.add_(bias);
        long[] shape = x.shape();
        shape[shape.length - 1] = weight.size(0);
        return y.view(shape);
    }
}
