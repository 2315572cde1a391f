package dev.whetstone.data.prepare;

import java.util.List;

/** Every draft the service's own parser refuses, with its message; what the earlier checks did not already fix. */
final class InvalidExamples implements Analysis {
    @Override
    public List<Finding> analyse(Dataset data, PrepareContext context) {
        Rows rows = new Rows();
        for (Draft draft : data.drafts()) {
            if (draft.problem() != null) {
                String field = draft.problem().field();
                rows.addMessage(draft, (field == null ? "" : field + ": ") + draft.problem().reason());
            }
        }
        if (rows.isEmpty()) return List.of();
        return List.of(rows.finding("invalid", Severity.ERROR, Rows.subject(rows.size(), data.unit(), "is", "are")
                + " not valid examples for the service (the reasons below are the service's own).",
                rows.removal(Rows.removeQuestion(rows.size(), data.unit()))));
    }
}
