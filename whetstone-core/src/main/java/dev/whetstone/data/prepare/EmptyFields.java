package dev.whetstone.data.prepare;

import java.util.ArrayList;
import java.util.List;

/**
 * Empty or whitespace-only texts. An empty completion or assistant reply is an error (the service refuses it:
 * there is nothing to learn); an empty prompt, user or system text is legal but usually a mistake.
 */
final class EmptyFields implements Analysis {
    @Override
    public List<Finding> analyse(Dataset data, PrepareContext context) {
        Rows trained = new Rows();
        Rows other = new Rows();
        for (Draft draft : data.drafts()) {
            List<String> blankTrained = new ArrayList<>();
            List<String> blankOther = new ArrayList<>();
            for (TextField field : TextField.of(draft)) {
                if (!field.text().isBlank()) continue;
                boolean learnt = field.role().equals("completion") || field.role().equals("assistant");
                (learnt ? blankTrained : blankOther).add(field.role());
            }
            if (!blankTrained.isEmpty()) trained.add(draft, "empty " + String.join(", ", blankTrained));
            else if (!blankOther.isEmpty()) other.add(draft, "empty " + String.join(", ", blankOther));
        }
        List<Finding> findings = new ArrayList<>();
        if (!trained.isEmpty()) {
            String what = data.format() == dev.whetstone.data.ExampleFormat.CHAT ? "assistant reply" : "completion";
            findings.add(trained.finding("empty-fields", Severity.ERROR, Rows.subject(trained.size(), data.unit(), "has", "have")
                    + " an empty or whitespace-only " + what + "; the service refuses them, as there is nothing to"
                    + " learn.",
                    trained.removal(Rows.removeQuestion(trained.size(), data.unit()))));
        }
        if (!other.isEmpty()) {
            findings.add(other.finding("empty-fields", Severity.WARNING, Rows.subject(other.size(), data.unit(), "has", "have")
                    + " an empty or whitespace-only prompt, user or system text; the model learns to answer nothing.",
                    other.removal(Rows.removeQuestion(other.size(), data.unit()))));
        }
        return findings;
    }
}
