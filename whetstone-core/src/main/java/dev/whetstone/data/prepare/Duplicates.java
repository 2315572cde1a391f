package dev.whetstone.data.prepare;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Examples identical to an earlier one: they weigh that example more and leak between training and validation. */
final class Duplicates implements Analysis {
    @Override
    public List<Finding> analyse(Dataset data, PrepareContext context) {
        Map<String, Long> first = new HashMap<>();
        Rows rows = new Rows();
        for (Draft draft : data.drafts()) {
            Long earlier = first.putIfAbsent(draft.line(), draft.row());
            if (earlier != null) rows.add(draft, "same as " + data.unit() + " " + earlier);
        }
        if (rows.isEmpty()) return List.of();
        return List.of(rows.finding("duplicates", Severity.WARNING, Rows.subject(rows.size(), data.unit(), "repeats", "repeat")
                + " an earlier example exactly; duplicates count twice in training and can leak into validation.",
                rows.removal("Remove the " + Rows.plural(rows.size(), "duplicate") + " (the first copy stays)?")));
    }
}
