package dev.whetstone.engine.torch.train;

/** Recent tokens/s (over the last steps) and the time left, from measured step durations. */
final class Throughput {
    private static final int WINDOW = 10;

    private final int totalSteps;
    private final long[] tokens = new long[WINDOW];
    private final double[] seconds = new double[WINDOW];
    private int recorded;
    private double elapsed;
    private double runSeconds;
    private int runSteps;

    Throughput(int totalSteps) { this.totalSteps = totalSteps; }

    void record(long stepTokens, double stepSeconds) {
        tokens[recorded % WINDOW] = stepTokens;
        seconds[recorded % WINDOW] = stepSeconds;
        recorded++;
        elapsed += stepSeconds;
        runSeconds += stepSeconds;
        runSteps++;
    }

    double tokensPerSecond() {
        long t = 0;
        double s = 0;
        for (int i = 0; i < Math.min(recorded, WINDOW); i++) {
            t += tokens[i];
            s += seconds[i];
        }
        return s > 0 ? t / s : 0;
    }

    /** Mean step time of this process's steps × the steps left after {@code stepsDone}. */
    double etaSeconds(int stepsDone) {
        return runSteps == 0 ? 0 : runSeconds / runSteps * Math.max(0, totalSteps - stepsDone);
    }

    double elapsedSeconds() { return elapsed; }

    void resumeFrom(double elapsedSeconds) { this.elapsed = elapsedSeconds; }
}
