package dev.whetstone.engine.torch.model;

import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AbstractTensor;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Small helpers over the JavaCPP libtorch API: scalars, host-array conversion and scope handling.
 *
 * <p>Native memory rule: every tensor handle created while a {@link PointerScope} is open belongs to that
 * scope and is released when it closes. {@link #promote} hands a tensor to the enclosing scope so a
 * short-lived inner scope (one layer) can free its temporaries early while its output lives on.
 */
public final class Tensors {
    private Tensors() {}

    /**
     * The element type of {@code t}, interned: JavaCPP returns fresh enum objects from native calls, so compare
     * only interned values with {@code ==}.
     */
    public static ScalarType type(Tensor t) { return t.scalar_type().intern(); }

    public static Scalar scalar(double v) { return new Scalar(v); }

    public static TensorOptions options(ScalarType type) { return new TensorOptions(type); }

    /** A new int64 tensor with the given shape, copied from {@code data}. */
    public static Tensor longs(long[] data, long... shape) { return AbstractTensor.create(data, shape).clone(); }

    public static Tensor floats(float[] data, long... shape) { return AbstractTensor.create(data, shape).clone(); }

    public static Tensor doubles(double[] data, long... shape) { return AbstractTensor.create(data, shape).clone(); }

    /** Copies a tensor of any floating type to a Java float array (row-major). */
    public static float[] toFloats(Tensor t) {
        Tensor f = t.detach().to(ScalarType.Float).contiguous();
        float[] out = new float[(int) f.numel()];
        f.data_ptr_float().get(out);
        return out;
    }

    public static double[] toDoubles(Tensor t) {
        Tensor d = t.detach().to(ScalarType.Double).contiguous();
        double[] out = new double[(int) d.numel()];
        d.data_ptr_double().get(out);
        return out;
    }

    public static long[] toLongs(Tensor t) {
        Tensor l = t.detach().to(ScalarType.Long).contiguous();
        long[] out = new long[(int) l.numel()];
        l.data_ptr_long().get(out);
        return out;
    }

    public static double item(Tensor t) { return t.item().toDouble(); }

    /** The raw bytes of a contiguous CPU tensor, as a native pointer view (no copy). */
    public static BytePointer bytes(Tensor contiguous) {
        return new BytePointer(contiguous.data_ptr()).capacity(contiguous.nbytes());
    }

    public static Tensor cat(List<Tensor> parts, long dim) {
        TensorVector v = new TensorVector(parts.toArray(Tensor[]::new));
        return torch.cat(v, dim);
    }

    /**
     * Moves ownership of {@code t} from the innermost scope to the one around it, so the inner scope can close
     * and free its temporaries. Without an enclosing scope the tensor is retained and left to the GC.
     */
    public static Tensor promote(Tensor t) {
        PointerScope inner = PointerScope.getInnerScope();
        var it = PointerScope.getScopeIterator();
        PointerScope outer = null;
        if (it != null) {
            while (it.hasNext()) {
                PointerScope s = it.next();
                if (s != inner) { outer = s; break; }
            }
        }
        if (outer != null) outer.attach(t); else t.retainReference();
        return t;
    }

    /** Keeps a long-lived tensor (a weight) alive whatever scope was open when it was made. */
    public static Tensor retain(Tensor t) {
        t.retainReference();
        return t;
    }
}
