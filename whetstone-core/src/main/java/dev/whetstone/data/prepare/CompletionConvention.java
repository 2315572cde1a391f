package dev.whetstone.data.prepare;

import dev.whetstone.data.ExampleFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * Prompt/completion data: completions should start with one whitespace (most tokenizers merge a word with the space
 * before it, so " yes" is one token where "yes" after a separator is not) and end with a common stop sequence
 * ({@code \n}, or {@code " END"} when completions span lines), which generation can stop on.
 */
final class CompletionConvention implements Analysis {
    @Override
    public List<Finding> analyse(Dataset data, PrepareContext context) {
        if (data.format() != ExampleFormat.PROMPT_COMPLETION) return List.of();
        List<TextField> completions = new ArrayList<>();
        for (Draft draft : data.drafts()) {
            TextField completion = TextField.first(draft, "completion");
            if (completion != null && !completion.text().isBlank()) completions.add(completion);
        }
        if (completions.isEmpty()) return List.of();
        List<Draft> drafts = data.drafts();
        List<Finding> findings = new ArrayList<>();
        List<TextField> unspaced = completions.stream().filter(c -> !startsWithOneSpace(c.text())).toList();
        if (!unspaced.isEmpty()) {
            findings.add(new Finding("completion-start", Severity.SUGGESTION, unspaced.size() + " completions do not start"
                    + " with a single space; a leading space keeps the first word one token, as it is in running text.",
                    List.of(), unspaced.size(), new Fix("Start every completion with one space?", d -> {
                        for (TextField c : unspaced) c.text(" " + c.text().stripLeading());
                        drafts.forEach(Draft::reparse);
                    })));
        }
        String common = Suffixes.commonSuffix(completions.stream().map(TextField::text).toList());
        if (common.isEmpty()) {
            boolean multiline = completions.stream().anyMatch(c -> c.text().strip().contains("\n"));
            String stop = multiline ? " END" : "\n";
            findings.add(new Finding("completion-stop", Severity.SUGGESTION, "The completions do not end with a common"
                    + " stop sequence; with one, generation can be told where to stop.", List.of(), completions.size(),
                    new Fix("End every completion with \"" + RowNote.excerpt(stop) + "\" (pass it as stop at inference)?", d -> {
                        for (TextField c : completions) c.text(c.text().stripTrailing() + stop);
                        drafts.forEach(Draft::reparse);
                    })));
        }
        return findings;
    }

    private static boolean startsWithOneSpace(String text) {
        return text.length() > 1 && Character.isWhitespace(text.charAt(0)) && !Character.isWhitespace(text.charAt(1));
    }
}
