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

    /**
     * Ints per packed bf16 or int8 row are a multiple of this: 16 int lanes, the widest vector the kernels use
     * (AVX-512), so every row is whole vectors on 8- and 16-lane CPUs and the kernels need no tail loops.
     */
    int ROW_ALIGN_INTS = 16;

    /** Ints per packed row of {@code cols} values, {@code perInt} values per int, zero-padded to whole vectors. */
    static int paddedInts(int cols, int perInt) {
        int ints = (cols + perInt - 1) / perInt;
        return (ints + ROW_ALIGN_INTS - 1) / ROW_ALIGN_INTS * ROW_ALIGN_INTS;
    }

    /**
     * bf16 weights as their raw 16-bit patterns (the high half of the fp32 bits), two per int: int t of row r
     * holds column 2t in its low half and 2t+1 in its high half (the little-endian bytes of the bf16 row), rows
     * {@code stride} ints apart, zero-padded. The kernels widen both halves with same-shape int ops (a shift for
     * the even column, a mask for the odd one, both exact); widening 16-bit lanes across vector shapes ran at a
     * fifth of the memory's rate (docs/BENCHMARKS.md, "Decode kernels: packed-int widening").
     */
    record Bf16(int[] w, int rows, int cols, int stride) implements RowWeights {
        public long bytes() { return 4L * w.length; }

        /** Packs (rows, cols) bf16 bit patterns, row-major. */
        public static Bf16 pack(short[] bits, int rows, int cols) {
            int stride = paddedInts(cols, 2);
            int[] w = new int[rows * stride];
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < cols; k++) w[r * stride + k / 2] |= (bits[r * cols + k] & 0xFFFF) << (16 * (k % 2));
            }
            return new Bf16(w, rows, cols, stride);
        }

        /** The bit pattern of weight (r, k). */
        public short bits(int r, int k) { return (short) (w[r * stride + k / 2] >>> (16 * (k % 2))); }
    }

    /**
     * int8 weights with one fp32 scale per row (per output channel): w[r][k] ≈ q[r][k] · scale[r], symmetric,
     * scale = max |w[r][·]| / 127, q = round(w / scale) (round half away from zero) in [−127, 127]. Four per int:
     * byte j of int t of row r (bits 8j … 8j+7) is column 4t+j, rows {@code stride} ints apart, zero-padded; the
     * kernels sign-extend each byte with same-shape int shifts, as {@link Bf16} for the same reason.
     */
    record Int8(int[] packed, float[] scale, int rows, int cols, int stride) implements RowWeights {
        public long bytes() { return 4L * packed.length + 4L * scale.length; }

        /** Quantises (rows, cols) fp32 weights, row-major. */
        public static Int8 quantize(float[] w, int rows, int cols) {
            int stride = paddedInts(cols, 4);
            int[] packed = new int[rows * stride];
            float[] scale = new float[rows];
            for (int r = 0; r < rows; r++) {
                float max = 0;
                for (int k = 0; k < cols; k++) max = Math.max(max, Math.abs(w[r * cols + k]));
                float s = max == 0 ? 1f : max / 127f;
                scale[r] = s;
                for (int k = 0; k < cols; k++) {
                    int q = Math.max(-127, Math.min(127, Math.round(w[r * cols + k] / s)));
                    packed[r * stride + k / 4] |= (q & 0xFF) << (8 * (k % 4));
                }
            }
            return new Int8(packed, scale, rows, cols, stride);
        }

        /** The int8 value q[r][k]. */
        public byte q(int r, int k) { return (byte) (packed[r * stride + k / 4] >> (8 * (k % 4))); }

        /** The weights the kernel multiplies by, q · scale, row-major fp32. */
        public float[] dequantized() {
            float[] w = new float[rows * cols];
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < cols; k++) w[r * cols + k] = q(r, k) * scale[r];
            }
            return w;
        }
    }

    /** The bf16 bit pattern of an fp32 value, rounded to nearest even (as libtorch's cast); NaN stays NaN. */
    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    static float fromBf16(short s) { return Float.intBitsToFloat(s << 16); }
}
