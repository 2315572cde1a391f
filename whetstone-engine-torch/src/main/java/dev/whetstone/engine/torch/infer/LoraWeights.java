package dev.whetstone.engine.torch.infer;

import dev.whetstone.engine.inference.InferenceException;
import dev.whetstone.engine.torch.lora.PeftFiles;
import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.Linear;
import dev.whetstone.engine.torch.model.Precision;
import dev.whetstone.engine.torch.model.Tensors;
import dev.whetstone.engine.torch.kernel.RowProducts;
import dev.whetstone.engine.torch.kernel.RowWeights;
import org.bytedeco.pytorch.global.torch.ScalarType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * One deployment's LoRA adapter, ready to serve: per adapted linear layer A (r, in) and scaling·B (out, r), in the
 * base model's compute dtype. Scaling is folded into B at load, so a row's delta is two small matmuls.
 */
final class LoraWeights implements AutoCloseable {
    /**
     * One layer's pair; {@code aRows} and {@code bColumns} are host copies of A (r, in) and of s·B transposed,
     * (r, out), for the decode kernels and host decode steps, or null without them: fp32 over fp32 base weights,
     * else bf16 (an int8 base too: its adapter's bytes are 7.6 % of the base's in bf16, 15 % in fp32, for rank 16
     * on every projection of the SmolLM2-135M shape, and a step reads them all).
     */
    record Pair(Tensor a, Tensor scaledB, boolean fp32, RowWeights aRows, RowWeights bColumns) {}

    private final Map<String, Pair> byLinear;
    private final int rank;
    private boolean closed;

    private LoraWeights(Map<String, Pair> byLinear) {
        this.byLinear = byLinear;
        this.rank = byLinear.values().stream().mapToInt(p -> (int) p.a().size(0)).max().orElse(0);
    }

    /** r (the largest over layers; every layer of a PEFT adapter has the same). */
    int rank() { return rank; }

    /** Reads a PEFT adapter folder and checks that it fits {@code base}. */
    static LoraWeights load(Path dir, CausalLm base) {
        Map<String, Linear> linears = new HashMap<>();
        for (Linear l : base.linears()) linears.put(l.name(), l);
        Map<String, Pair> out = new HashMap<>();
        try (PointerScope scope = new PointerScope()) {
            PeftFiles.Adapter saved = PeftFiles.read(dir);
            for (var e : saved.modules().entrySet()) {
                Linear l = linears.get(e.getKey());
                Tensor a = e.getValue().a();
                Tensor b = e.getValue().b();
                if (l == null || a.size(1) != l.inFeatures() || b.size(0) != l.outFeatures()) {
                    throw new InferenceException(dir + ": adapter module '" + e.getKey() + "' does not fit the base "
                            + base.sourceDir().getFileName() + "; deploy it on the base model it was trained on");
                }
                double r = a.size(0);
                double scaling = saved.config().rsLora() ? saved.config().alpha() / Math.sqrt(r)
                        : saved.config().alpha() / r;
                Tensor scaledB = b.mul(Tensors.scalar(scaling));
                boolean rows = RowProducts.available() && base.computeType() != ScalarType.Double;
                // held in the base weights' format (bf16 over bf16 or int8 weights, even where those compute in
                // fp32), so prefill's tensors and the decode steps' host copies carry the same values
                ScalarType held = heldType(base);
                out.put(l.name(), new Pair(Tensors.retain(a.to(held).to(base.computeType()).contiguous()),
                        Tensors.retain(scaledB.to(held).to(base.computeType()).contiguous()),
                        base.computeType() == org.bytedeco.pytorch.global.torch.ScalarType.Float,
                        rows ? hostCopy(a, base) : null, rows ? hostCopy(scaledB.t(), base) : null));
            }
        } catch (IOException e) {
            throw new InferenceException("cannot load the adapter in " + dir + ": " + e.getMessage(), e);
        }
        return new LoraWeights(out);
    }

    /** fp32 over fp32 (or float64) base weights, else bf16, whatever the compute dtype. */
    private static ScalarType heldType(CausalLm base) {
        Precision p = base.options().precision();
        return p == Precision.BF16 || p == Precision.INT8 ? ScalarType.BFloat16 : base.computeType();
    }

    private static RowWeights hostCopy(Tensor t, CausalLm base) { return RowProducts.copyOf(t.to(heldType(base))); }

    /** The pair of linear layer {@code name}, or null when the adapter leaves it alone. */
    Pair pair(String name) { return byLinear.get(name); }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        byLinear.values().forEach(p -> {
            p.a().releaseReference();
            p.scaledB().releaseReference();
        });
    }
}
