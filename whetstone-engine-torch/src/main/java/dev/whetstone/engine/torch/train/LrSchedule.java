package dev.whetstone.engine.torch.train;

/**
 * Linear warm-up to the peak rate over {@code warmup} steps, then linear decay towards 0 at {@code total}.
 * Step indices are 0-based; the last step still gets a small positive rate.
 */
record LrSchedule(double peak, int warmup, int total) {
    static LrSchedule of(double peak, int total, double warmupFraction) {
        int warmup = Math.max(1, (int) Math.round(total * warmupFraction));
        return new LrSchedule(peak, Math.min(warmup, total), total);
    }

    double at(int step) {
        if (step < warmup) return peak * (step + 1) / warmup;
        if (total == warmup) return peak;
        return peak * Math.max(0.0, (double) (total - step) / (total - warmup));
    }
}
