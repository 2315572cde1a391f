package dev.whetstone.engine.torch.vision;

/**
 * Pillow's {@code Image.resize} for 8-bit RGB, as the Hugging Face image processors call it: a separable
 * convolution (horizontal pass, then vertical), each pass with the filter widened by the scale when reducing
 * (antialiasing), coefficients normalised to sum 1 and applied in 22-bit fixed point with rounding and clipping to
 * 0–255 after each pass (Pillow's Resample.c, ImagingResample 8bpc).
 */
final class PilResize {
    /** Pillow's resampling filters by their PIL.Image.Resampling value; Idefics3 uses LANCZOS (1). */
    enum Filter {
        LANCZOS(1, 3.0), BILINEAR(2, 1.0), BICUBIC(3, 2.0);

        final int pilValue;
        final double support;

        Filter(int pilValue, double support) {
            this.pilValue = pilValue;
            this.support = support;
        }

        static Filter of(int pilValue, String where) {
            for (Filter f : values()) if (f.pilValue == pilValue) return f;
            throw new IllegalArgumentException(where + ": resample " + pilValue
                    + " is not supported; supported: 1 (LANCZOS), 2 (BILINEAR), 3 (BICUBIC)");
        }

        double weight(double x) {
            return switch (this) {
                case LANCZOS -> -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
                case BILINEAR -> Math.abs(x) < 1.0 ? 1.0 - Math.abs(x) : 0.0;
                case BICUBIC -> bicubic(Math.abs(x));
            };
        }

        private static double sinc(double x) {
            if (x == 0.0) return 1.0;
            double px = x * Math.PI;
            return Math.sin(px) / px;
        }

        /** Keys' cubic with a = −0.5. */
        private static double bicubic(double x) {
            double a = -0.5;
            if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
            if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
            return 0.0;
        }
    }

    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PilResize() {}

    /** rgb (h × w × 3, row-major) → (outH × outW × 3). */
    static byte[] resize(byte[] rgb, int w, int h, int outW, int outH, Filter filter) {
        byte[] x = rgb;
        if (outW != w) x = pass(x, w, h, outW, filter, true);
        if (outH != h) x = pass(x, outW, h, outH, filter, false);
        return x == rgb ? rgb.clone() : x;
    }

    /**
     * One pass along x (horizontal) or y: output pixel i reads input pixels [min, min + n) with integer weights;
     * sums start at one half (rounding) and are shifted back and clipped.
     */
    private static byte[] pass(byte[] in, int w, int h, int outSize, Filter filter, boolean horizontal) {
        int inSize = horizontal ? w : h;
        Coefficients k = coefficients(inSize, outSize, filter);
        int ow = horizontal ? outSize : w;
        int oh = horizontal ? h : outSize;
        byte[] out = new byte[ow * oh * 3];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int i = horizontal ? x : y;
                int min = k.min[i];
                for (int c = 0; c < 3; c++) {
                    int ss = 1 << (PRECISION_BITS - 1);
                    for (int j = 0; j < k.count[i]; j++) {
                        int src = horizontal ? (y * w + min + j) * 3 + c : ((min + j) * w + x) * 3 + c;
                        ss += (in[src] & 0xff) * k.weights[i][j];
                    }
                    out[(y * ow + x) * 3 + c] = (byte) clip8(ss);
                }
            }
        }
        return out;
    }

    private static int clip8(int ss) {
        int v = ss >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }

    private record Coefficients(int[] min, int[] count, int[][] weights) {}

    /** Pillow's precompute_coeffs then normalize_coeffs_8bpc, for the whole-image box. */
    private static Coefficients coefficients(int inSize, int outSize, Filter filter) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filter.support * filterScale;
        int[] min = new int[outSize];
        int[] count = new int[outSize];
        int[][] weights = new int[outSize][];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            double[] k = new double[xmax];
            double ww = 0.0;
            for (int x = 0; x < xmax; x++) {
                k[x] = filter.weight((x + xmin - center + 0.5) * ss);
                ww += k[x];
            }
            int[] fixed = new int[xmax];
            for (int x = 0; x < xmax; x++) {
                double v = ww != 0.0 ? k[x] / ww : k[x];
                fixed[x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS)) : (int) (0.5 + v * (1 << PRECISION_BITS));
            }
            min[xx] = xmin;
            count[xx] = xmax;
            weights[xx] = fixed;
        }
        return new Coefficients(min, count, weights);
    }
}
