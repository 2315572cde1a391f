package dev.whetstone.jobs;

import dev.whetstone.engine.StepMetrics;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One row of results.csv (docs/reference/API.md 3.12); validation columns are null where there is no value.
 *
 * <p>The one place the metric names are spelled: results.csv's header and lines, the keys of metrics events and of
 * checkpoint metrics, and the store's column names all come from {@link #COLUMNS}.
 *
 * <p>DPO rows also carry the reward columns, appended after the documented seven so that readers of supervised
 * files see no change: a row is a DPO row when its {@code train_reward_accuracy} is set (a share of pairs, never
 * NaN), and {@link #columns(Kind)} picks the columns a job's file has. Reinforcement rows carry their own four
 * (mean reward of the step's answers, of the evaluation's, the KL estimate and the mean answer length), marked by
 * {@code train_reward_mean}.
 *
 * @param trainMeanTokenAccuracy for DPO: of the preferred completions' tokens
 * @param trainRewardAccuracy    DPO only: share of the step's pairs whose implicit reward prefers the preferred reply
 * @param trainRewardMargin      DPO only: mean preferred − non-preferred implicit reward
 */
public record MetricsRow(int step, double trainLoss, double trainMeanTokenAccuracy, Double validLoss,
                         Double validMeanTokenAccuracy, Double fullValidLoss, Double fullValidMeanTokenAccuracy,
                         Double trainRewardAccuracy, Double trainRewardMargin, Double validRewardAccuracy,
                         Double validRewardMargin, Double trainRewardMean, Double validRewardMean, Double trainKl,
                         Double trainAnswerLength) {

    /** Which columns a job's rows and results.csv have: the documented seven, plus DPO's or reinforcement's. */
    public enum Kind { SUPERVISED, PREFERENCE, REINFORCEMENT }

    /** A supervised or DPO row. */
    public MetricsRow(int step, double trainLoss, double trainMeanTokenAccuracy, Double validLoss,
                      Double validMeanTokenAccuracy, Double fullValidLoss, Double fullValidMeanTokenAccuracy,
                      Double trainRewardAccuracy, Double trainRewardMargin, Double validRewardAccuracy,
                      Double validRewardMargin) {
        this(step, trainLoss, trainMeanTokenAccuracy, validLoss, validMeanTokenAccuracy, fullValidLoss,
                fullValidMeanTokenAccuracy, trainRewardAccuracy, trainRewardMargin, validRewardAccuracy,
                validRewardMargin, null, null, null, null);
    }

    /** A supervised row (no reward columns). */
    public MetricsRow(int step, double trainLoss, double trainMeanTokenAccuracy, Double validLoss,
                      Double validMeanTokenAccuracy, Double fullValidLoss, Double fullValidMeanTokenAccuracy) {
        this(step, trainLoss, trainMeanTokenAccuracy, validLoss, validMeanTokenAccuracy, fullValidLoss,
                fullValidMeanTokenAccuracy, null, null, null, null, null, null, null, null);
    }

    /**
     * A metric column after {@code step}.
     *
     * @param everyStep  true for the training columns, which every row of their kind has (a stored null there is a
     *                   diverged run's NaN, never "missing")
     * @param kind       SUPERVISED for the documented seven, which every job has; PREFERENCE for DPO's columns,
     *                   REINFORCEMENT for reinforcement's, which only those jobs' rows and files have
     */
    public record Column(String name, boolean everyStep, Kind kind, Function<MetricsRow, Double> value) {
        boolean in(Kind job) { return kind == Kind.SUPERVISED || kind == job; }
    }

    /**
     * results.csv's columns after {@code step}, in file order: the documented seven, then DPO's, then
     * reinforcement's (a job's file has the seven and its own kind's).
     */
    public static final List<Column> COLUMNS = List.of(
            new Column("train_loss", true, Kind.SUPERVISED, MetricsRow::trainLoss),
            new Column("train_mean_token_accuracy", true, Kind.SUPERVISED, MetricsRow::trainMeanTokenAccuracy),
            new Column("valid_loss", false, Kind.SUPERVISED, MetricsRow::validLoss),
            new Column("valid_mean_token_accuracy", false, Kind.SUPERVISED, MetricsRow::validMeanTokenAccuracy),
            new Column("full_valid_loss", false, Kind.SUPERVISED, MetricsRow::fullValidLoss),
            new Column("full_valid_mean_token_accuracy", false, Kind.SUPERVISED, MetricsRow::fullValidMeanTokenAccuracy),
            new Column("train_reward_accuracy", true, Kind.PREFERENCE, MetricsRow::trainRewardAccuracy),
            new Column("train_reward_margin", true, Kind.PREFERENCE, MetricsRow::trainRewardMargin),
            new Column("valid_reward_accuracy", false, Kind.PREFERENCE, MetricsRow::validRewardAccuracy),
            new Column("valid_reward_margin", false, Kind.PREFERENCE, MetricsRow::validRewardMargin),
            new Column("train_reward_mean", true, Kind.REINFORCEMENT, MetricsRow::trainRewardMean),
            new Column("valid_reward_mean", false, Kind.REINFORCEMENT, MetricsRow::validRewardMean),
            new Column("train_kl", true, Kind.REINFORCEMENT, MetricsRow::trainKl),
            new Column("train_answer_length", true, Kind.REINFORCEMENT, MetricsRow::trainAnswerLength));

    private static final String MARKER = "train_reward_accuracy";
    private static final String REINFORCEMENT_MARKER = "train_reward_mean";

    /** The columns of a supervised job's (false) or a DPO job's (true) results. */
    public static List<Column> columns(boolean preference) {
        return columns(preference ? Kind.PREFERENCE : Kind.SUPERVISED);
    }

    public static List<Column> columns(Kind kind) {
        return COLUMNS.stream().filter(c -> c.in(kind)).toList();
    }

    /** results.csv's header line (without line break) for a supervised or a DPO job. */
    public static String csvHeader(boolean preference) {
        return csvHeader(preference ? Kind.PREFERENCE : Kind.SUPERVISED);
    }

    public static String csvHeader(Kind kind) {
        return "step," + columns(kind).stream().map(Column::name).collect(Collectors.joining(","));
    }

    /** The trainer's step report without its live progress fields. */
    public static MetricsRow of(StepMetrics m) {
        return new MetricsRow(m.step(), m.trainLoss(), m.trainMeanTokenAccuracy(), m.validLoss(),
                m.validMeanTokenAccuracy(), m.fullValidLoss(), m.fullValidMeanTokenAccuracy(), m.trainRewardAccuracy(),
                m.trainRewardMargin(), m.validRewardAccuracy(), m.validRewardMargin(), m.trainRewardMean(),
                m.validRewardMean(), m.trainKl(), m.trainAnswerLength());
    }

    /** A row from stored values by column name (null where missing; NaN for a missing every-step value). */
    public static MetricsRow of(int step, Function<String, Double> valueByName) {
        Kind kind = valueByName.apply(MARKER) != null ? Kind.PREFERENCE
                : valueByName.apply(REINFORCEMENT_MARKER) != null ? Kind.REINFORCEMENT : Kind.SUPERVISED;
        Map<String, Double> v = new LinkedHashMap<>();
        for (Column c : COLUMNS) {
            Double value = valueByName.apply(c.name());
            boolean expected = c.everyStep() && c.in(kind);
            v.put(c.name(), value == null && expected ? Double.valueOf(Double.NaN) : value);
        }
        return new MetricsRow(step, v.get("train_loss"), v.get("train_mean_token_accuracy"), v.get("valid_loss"),
                v.get("valid_mean_token_accuracy"), v.get("full_valid_loss"), v.get("full_valid_mean_token_accuracy"),
                v.get("train_reward_accuracy"), v.get("train_reward_margin"), v.get("valid_reward_accuracy"),
                v.get("valid_reward_margin"), v.get("train_reward_mean"), v.get("valid_reward_mean"), v.get("train_kl"),
                v.get("train_answer_length"));
    }

    /** Whether this is a DPO row. */
    public boolean preference() { return trainRewardAccuracy != null; }

    /** The kind of job this row is of: DPO rows have a reward accuracy, reinforcement rows a mean reward. */
    public Kind kind() {
        return trainRewardAccuracy != null ? Kind.PREFERENCE
                : trainRewardMean != null ? Kind.REINFORCEMENT : Kind.SUPERVISED;
    }

    /** Every column's value by name, nulls included (what the store writes). */
    public Map<String, Double> allValues() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Column c : COLUMNS) m.put(c.name(), c.value().apply(this));
        return m;
    }

    /** This row's columns' values in file order, nulls included (the keys of a metrics event's data). */
    public Map<String, Double> values() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Column c : columns(kind())) m.put(c.name(), c.value().apply(this));
        return m;
    }

    /** Checkpoint metrics as Azure shows them: {@code step} as a float, then the values present. */
    public Map<String, Double> checkpointMetrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("step", (double) step);
        values().forEach((name, value) -> {
            if (value != null) m.put(name, value);
        });
        return m;
    }

    /** One line of a supervised (false) or DPO (true) job's results.csv, without line break; empty cells where missing. */
    public String csvLine(boolean preference) {
        return csvLine(preference ? Kind.PREFERENCE : Kind.SUPERVISED);
    }

    public String csvLine(Kind kind) {
        StringBuilder line = new StringBuilder().append(step);
        for (Column c : columns(kind)) line.append(',').append(number(c.value().apply(this)));
        return line.toString();
    }

    /** Plain decimal, shortest form that reads back the same double (no exponent, which some CSV readers dislike). */
    public static String number(Double value) {
        if (value == null) return "";
        if (value.isNaN() || value.isInfinite()) return value.toString();
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
