package dev.whetstone.engine.torch.kernel;

/**
 * A weight matrix (rows, cols), row-major, held in the Java heap for the {@link RowProducts} kernels: the served
 * format of decode steps. Heap arrays, not a view of the libtorch tensor: reading native memory with the Vector API
 * needs {@code java.lang.foreign}, a preview API in Java 21, the release this project compiles for. So a served
 * model holds its decode weights twice (the libtorch copy serves prefill's large products).
 */
public sealed interface RowWeights permits RowWeights.F32, RowWeights.Bf16, RowWeights.Int8 {
    int rows();

    int cols();

    /** Bytes read per product (weights and scales): the numerator of the bandwidth bound. */
    long bytes();

    /** fp32 weights. */
    record F32(float[] w, int rows, int cols) implements RowWeights {
        public long bytes() { return 4L * w.length; }
    }

    /** bf16 weights as their raw 16-bit patterns (the high half of the fp32 bits). */
    record Bf16(short[] w, int rows, int cols) implements RowWeights {
        public long bytes() { return 2L * w.length; }
    }

    /**
     * int8 weights with one fp32 scale per row (per output channel): w[r][k] ≈ q[r][k] · scale[r], symmetric,
     * scale = max |w[r][·]| / 127, q = round(w / scale) (round half away from zero) in [−127, 127].
     */
    record Int8(byte[] q, float[] scale, int rows, int cols) implements RowWeights {
        public long bytes() { return q.length + 4L * scale.length; }

        /** Quantises (rows, cols) fp32 weights, row-major. */
        public static Int8 quantize(float[] w, int rows, int cols) {
            byte[] q = new byte[w.length];
            float[] scale = new float[rows];
            for (int r = 0; r < rows; r++) {
                float max = 0;
                for (int k = 0; k < cols; k++) max = Math.max(max, Math.abs(w[r * cols + k]));
                float s = max == 0 ? 1f : max / 127f;
                scale[r] = s;
                for (int k = 0; k < cols; k++) {
                    q[r * cols + k] = (byte) Math.max(-127, Math.min(127, Math.round(w[r * cols + k] / s)));
                }
            }
            return new Int8(q, scale, rows, cols);
        }

        /** The weights the kernel multiplies by, q · scale, row-major fp32. */
        public float[] dequantized() {
            float[] w = new float[q.length];
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < cols; k++) w[r * cols + k] = q[r * cols + k] * scale[r];
            }
            return w;
        }
    }

    /** The bf16 bit pattern of an fp32 value, rounded to nearest even (as libtorch's cast); NaN stays NaN. */
    public static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    public static float fromBf16(short s) { return Float.intBitsToFloat(s << 16); }
}
