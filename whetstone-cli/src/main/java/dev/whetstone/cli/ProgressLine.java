package dev.whetstone.cli;

import java.time.Duration;

/**
 * One line of training progress: {@code [#####.....] step 40/120  loss 1.234  512 tok/s  ETA 1m05s}.
 *
 * @param eta null when unknown
 */
record ProgressLine(int step, int totalSteps, double loss, double tokensPerSecond, Duration eta) {
    static final int BAR_WIDTH = 24;

    String render() {
        StringBuilder b = new StringBuilder("[");
        int filled = totalSteps <= 0 ? 0 : (int) Math.round((double) BAR_WIDTH * Math.min(step, totalSteps) / totalSteps);
        b.append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ");
        b.append("step ").append(step).append('/').append(totalSteps > 0 ? String.valueOf(totalSteps) : "?");
        if (!Double.isNaN(loss)) b.append(String.format("  loss %.4f", loss));
        if (tokensPerSecond > 0) b.append(String.format("  %.0f tok/s", tokensPerSecond));
        b.append("  ETA ").append(eta == null ? "?" : format(eta));
        return b.toString();
    }

    static String format(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s >= 3600) return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
        if (s >= 60) return String.format("%dm%02ds", s / 60, s % 60);
        return s + "s";
    }
}
