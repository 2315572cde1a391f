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
 * NaN), and {@link #columns(boolean)} picks the columns a job's file has.
 *
 * @param trainMeanTokenAccuracy for DPO: of the preferred completions' tokens
 * @param trainRewardAccuracy    DPO only: share of the step's pairs whose implicit reward prefers the preferred reply
 * @param trainRewardMargin      DPO only: mean preferred − non-preferred implicit reward
 */
public record MetricsRow(int step, double trainLoss, double trainMeanTokenAccuracy, Double validLoss,
                         Double validMeanTokenAccuracy, Double fullValidLoss, Double fullValidMeanTokenAccuracy,
                         Double trainRewardAccuracy, Double trainRewardMargin, Double validRewardAccuracy,
                         Double validRewardMargin) {

    /** A supervised row (no reward columns). */
    public MetricsRow(int step, double trainLoss, double trainMeanTokenAccuracy, Double validLoss,
                      Double validMeanTokenAccuracy, Double fullValidLoss, Double fullValidMeanTokenAccuracy) {
        this(step, trainLoss, trainMeanTokenAccuracy, validLoss, validMeanTokenAccuracy, fullValidLoss,
                fullValidMeanTokenAccuracy, null, null, null, null);
    }

    /**
     * A metric column after {@code step}.
     *
     * @param everyStep  true for the training columns, which every row of their kind has (a stored null there is a
     *                   diverged run's NaN, never "missing")
     * @param preference true for the DPO columns, which only DPO jobs' rows and files have
     */
    public record Column(String name, boolean everyStep, boolean preference, Function<MetricsRow, Double> value) {}

    /** results.csv's columns after {@code step}, in file order: the documented seven, then DPO's. */
    public static final List<Column> COLUMNS = List.of(
            new Column("train_loss", true, false, MetricsRow::trainLoss),
            new Column("train_mean_token_accuracy", true, false, MetricsRow::trainMeanTokenAccuracy),
            new Column("valid_loss", false, false, MetricsRow::validLoss),
            new Column("valid_mean_token_accuracy", false, false, MetricsRow::validMeanTokenAccuracy),
            new Column("full_valid_loss", false, false, MetricsRow::fullValidLoss),
            new Column("full_valid_mean_token_accuracy", false, false, MetricsRow::fullValidMeanTokenAccuracy),
            new Column("train_reward_accuracy", true, true, MetricsRow::trainRewardAccuracy),
            new Column("train_reward_margin", true, true, MetricsRow::trainRewardMargin),
            new Column("valid_reward_accuracy", false, true, MetricsRow::validRewardAccuracy),
            new Column("valid_reward_margin", false, true, MetricsRow::validRewardMargin));

    private static final String MARKER = "train_reward_accuracy";

    /** The columns of a supervised job's (false) or a DPO job's (true) results. */
    public static List<Column> columns(boolean preference) {
        return COLUMNS.stream().filter(c -> preference || !c.preference()).toList();
    }

    /** results.csv's header line (without line break) for a supervised or a DPO job. */
    public static String csvHeader(boolean preference) {
        return "step," + columns(preference).stream().map(Column::name).collect(Collectors.joining(","));
    }

    /** The trainer's step report without its live progress fields. */
    public static MetricsRow of(StepMetrics m) {
        return new MetricsRow(m.step(), m.trainLoss(), m.trainMeanTokenAccuracy(), m.validLoss(),
                m.validMeanTokenAccuracy(), m.fullValidLoss(), m.fullValidMeanTokenAccuracy(), m.trainRewardAccuracy(),
                m.trainRewardMargin(), m.validRewardAccuracy(), m.validRewardMargin());
    }

    /** A row from stored values by column name (null where missing; NaN for a missing every-step value). */
    public static MetricsRow of(int step, Function<String, Double> valueByName) {
        boolean preference = valueByName.apply(MARKER) != null;
        Map<String, Double> v = new LinkedHashMap<>();
        for (Column c : COLUMNS) {
            Double value = valueByName.apply(c.name());
            boolean expected = c.everyStep() && (preference || !c.preference());
            v.put(c.name(), value == null && expected ? Double.valueOf(Double.NaN) : value);
        }
        return new MetricsRow(step, v.get("train_loss"), v.get("train_mean_token_accuracy"), v.get("valid_loss"),
                v.get("valid_mean_token_accuracy"), v.get("full_valid_loss"), v.get("full_valid_mean_token_accuracy"),
                v.get("train_reward_accuracy"), v.get("train_reward_margin"), v.get("valid_reward_accuracy"),
                v.get("valid_reward_margin"));
    }

    /** Whether this is a DPO row. */
    public boolean preference() { return trainRewardAccuracy != null; }

    /** Every column's value by name, nulls included (what the store writes). */
    public Map<String, Double> allValues() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Column c : COLUMNS) m.put(c.name(), c.value().apply(this));
        return m;
    }

    /** This row's columns' values in file order, nulls included (the keys of a metrics event's data). */
    public Map<String, Double> values() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Column c : columns(preference())) m.put(c.name(), c.value().apply(this));
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
        StringBuilder line = new StringBuilder().append(step);
        for (Column c : columns(preference)) line.append(',').append(number(c.value().apply(this)));
        return line.toString();
    }

    /** Plain decimal, shortest form that reads back the same double (no exponent, which some CSV readers dislike). */
    public static String number(Double value) {
        if (value == null) return "";
        if (value.isNaN() || value.isInfinite()) return value.toString();
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
