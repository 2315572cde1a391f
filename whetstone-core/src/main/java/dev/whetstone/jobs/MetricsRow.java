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
 */
public record MetricsRow(int step, double trainLoss, double trainMeanTokenAccuracy, Double validLoss,
                         Double validMeanTokenAccuracy, Double fullValidLoss, Double fullValidMeanTokenAccuracy) {

    /**
     * A metric column after {@code step}.
     *
     * @param everyStep true for the training columns, which every row has (a stored null there is a diverged
     *                  run's NaN, never "missing")
     */
    public record Column(String name, boolean everyStep, Function<MetricsRow, Double> value) {}

    /** results.csv's columns after {@code step}, in file order. */
    public static final List<Column> COLUMNS = List.of(
            new Column("train_loss", true, MetricsRow::trainLoss),
            new Column("train_mean_token_accuracy", true, MetricsRow::trainMeanTokenAccuracy),
            new Column("valid_loss", false, MetricsRow::validLoss),
            new Column("valid_mean_token_accuracy", false, MetricsRow::validMeanTokenAccuracy),
            new Column("full_valid_loss", false, MetricsRow::fullValidLoss),
            new Column("full_valid_mean_token_accuracy", false, MetricsRow::fullValidMeanTokenAccuracy));

    public static final String CSV_HEADER = "step," + COLUMNS.stream().map(Column::name).collect(Collectors.joining(","));

    /** The trainer's step report without its live progress fields. */
    public static MetricsRow of(StepMetrics m) {
        return new MetricsRow(m.step(), m.trainLoss(), m.trainMeanTokenAccuracy(), m.validLoss(),
                m.validMeanTokenAccuracy(), m.fullValidLoss(), m.fullValidMeanTokenAccuracy());
    }

    /** A row from stored values by column name (null where missing; NaN for a missing every-step value). */
    public static MetricsRow of(int step, Function<String, Double> valueByName) {
        Map<String, Double> v = new LinkedHashMap<>();
        for (Column c : COLUMNS) {
            Double value = valueByName.apply(c.name());
            v.put(c.name(), value == null && c.everyStep() ? Double.valueOf(Double.NaN) : value);
        }
        return new MetricsRow(step, v.get("train_loss"), v.get("train_mean_token_accuracy"), v.get("valid_loss"),
                v.get("valid_mean_token_accuracy"), v.get("full_valid_loss"), v.get("full_valid_mean_token_accuracy"));
    }

    /** Column name to value in file order, nulls included (the keys of a metrics event's data). */
    public Map<String, Double> values() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Column c : COLUMNS) m.put(c.name(), c.value().apply(this));
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

    /** One results.csv line without its line break; empty cells where a value is missing. */
    public String csvLine() {
        StringBuilder line = new StringBuilder().append(step);
        for (Column c : COLUMNS) line.append(',').append(number(c.value().apply(this)));
        return line.toString();
    }

    /** Plain decimal, shortest form that reads back the same double (no exponent, which some CSV readers dislike). */
    public static String number(Double value) {
        if (value == null) return "";
        if (value.isNaN() || value.isInfinite()) return value.toString();
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
