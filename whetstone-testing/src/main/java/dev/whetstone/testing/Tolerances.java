package dev.whetstone.testing;

/**
 * How far apart two floating-point results may be before a test calls the difference a bug. Every tolerance is
 * derived from the dtype's machine epsilon, the magnitude of the compared values and the number of rounded
 * operations between them, never from what one CPU happened to produce: another CPU's kernels (AVX2, AVX-512,
 * AMX; OpenBLAS or oneDNN; any thread count) sum in another order and round differently. docs/testing.md gives the
 * reasoning and the rules for choosing among these functions.
 */
public final class Tolerances {
    /** Spacing of float64 numbers at 1: 2⁻⁵² ≈ 2.2e-16. */
    public static final double FP64_EPS = 0x1p-52;
    /** Spacing of float32 numbers at 1: 2⁻²³ ≈ 1.19e-7. */
    public static final double FP32_EPS = 0x1p-23;
    /** Spacing of bfloat16 numbers at 1 (8 significant bits): 2⁻⁷ ≈ 7.8e-3. */
    public static final double BF16_EPS = 0x1p-7;

    /**
     * Headroom over the random-walk estimate of {@link #rounding}: roundings are not quite independent, and two
     * kernels may each be off in the opposite direction. Real bugs (a wrong mask, a missing scale, a stale cache)
     * move results by many orders of magnitude more than rounding, so the headroom costs no sensitivity.
     */
    public static final double HEADROOM = 10;

    private Tolerances() {}

    /**
     * Two computations of the same value that differ only in rounding — summation order, kernel blocking, fused
     * versus separate products, batched versus alone — through {@code ops} rounded operations (for a dot product or
     * reduction: its length; for a network: the longest chain of reductions a value passes) on values of size up
     * to {@code magnitude}. Each rounding is at most eps/2 of its value with an unpredictable sign, so n of them add
     * up like a random walk to about eps·magnitude·√n; the bound is {@link #HEADROOM} times that.
     */
    public static double rounding(double eps, double magnitude, long ops) {
        if (ops < 1 || magnitude < 0) throw new IllegalArgumentException("ops ≥ 1 and magnitude ≥ 0 required");
        return HEADROOM * eps * magnitude * Math.sqrt(ops);
    }

    /** {@link #rounding} in float32. */
    public static double fp32(double magnitude, long ops) { return rounding(FP32_EPS, magnitude, ops); }

    /** {@link #rounding} in float64. */
    public static double fp64(double magnitude, long ops) { return rounding(FP64_EPS, magnitude, ops); }

    /** {@link #rounding} in bfloat16 (bf16 storage of inputs or outputs, accumulation in float32). */
    public static double bf16(double magnitude, long ops) { return rounding(BF16_EPS, magnitude, ops); }

    /**
     * Two training runs that differ only in rounding (packing versus padding, one micro-batch versus many): at the
     * first step both see identical weights, so their losses differ by the forward pass's rounding,
     * {@code firstStep}. Every update then adds a difference of the same order to the weights, and carries the
     * earlier ones on; with a small learning rate over a test's few steps the gap grows about linearly, so the
     * bound at 0-based step {@code step} is {@code firstStep × (1 + step)}. A run that learns something else —
     * from a wrong mask, wrong positions, a wrong loss normalisation — is off by far more from the first step on.
     */
    public static double trajectory(double firstStep, int step) {
        if (step < 0) throw new IllegalArgumentException("step ≥ 0 required");
        return firstStep * (1 + step);
    }

    /**
     * A central difference (f(x+h) − f(x−h)) / 2h against an analytic derivative, in float64: the rounding of the
     * two loss values ({@code lossMagnitude}, through {@code ops} operations) is divided by 2h, and the truncation
     * error h²·f'''/6 is bounded relative to the derivative itself by {@code relative} (the model's curvature is not
     * known, so this part is headroom, not derived).
     */
    public static double centralDifference(double h, double lossMagnitude, long ops, double derivative,
                                           double relative) {
        return fp64(lossMagnitude, ops) / (2 * h) + relative * Math.abs(derivative);
    }
}
