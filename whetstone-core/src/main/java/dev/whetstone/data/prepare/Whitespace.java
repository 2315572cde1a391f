package dev.whetstone.data.prepare;

import dev.whetstone.data.ExampleFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * Leading and trailing whitespace, which tokenizes into tokens the model then learns to produce. For chat every
 * message's text counts; for prompt/completion only the start of the prompt, because the end of the prompt and both
 * ends of the completion follow the separator and stop-sequence conventions ({@link PromptSeparator},
 * {@link CompletionConvention}).
 */
final class Whitespace implements Analysis {
    @Override
    public List<Finding> analyse(Dataset data, PrepareContext context) {
        boolean chat = data.format() != ExampleFormat.PROMPT_COMPLETION; // preference pairs are chat messages
        Rows rows = new Rows();
        List<TextField> fields = new ArrayList<>();
        List<Draft> edited = new ArrayList<>();
        for (Draft draft : data.drafts()) {
            boolean here = false;
            for (TextField field : TextField.of(draft)) {
                String text = field.text();
                if (text.isBlank()) continue;
                boolean padded = chat ? !text.equals(text.strip()) : field.role().equals("prompt") && !text.equals(text.stripLeading());
                if (padded) {
                    if (!here) rows.add(draft, field.role() + ": \"" + text + "\"");
                    fields.add(field);
                    here = true;
                }
            }
            if (here) edited.add(draft);
        }
        if (rows.isEmpty()) return List.of();
        String what = chat ? "message texts with leading or trailing whitespace" : "prompts that start with whitespace";
        return List.of(rows.finding("whitespace", Severity.SUGGESTION, Rows.subject(rows.size(), data.unit(), "has", "have") + " "
                + what + "; the model learns those spaces and newlines too.",
                new Fix("Strip the whitespace?", d -> {
                    for (TextField f : fields) f.text(chat ? f.text().strip() : f.text().stripLeading());
                    edited.forEach(Draft::reparse);
                })));
    }
}
