package dev.whetstone.data.prepare;

import dev.whetstone.data.ExampleFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * Prompt/completion data: every prompt should end with the same separator (such as {@code \n\n###\n\n}) that
 * appears nowhere else, so the model learns where the prompt stops and the completion begins; the same separator
 * is then appended to prompts at inference.
 */
final class PromptSeparator implements Analysis {
    static final String SEPARATOR = "\n\n###\n\n";
    static final String FALLBACK = " ->";

    @Override
    public List<Finding> analyse(Dataset data, PrepareContext context) {
        if (data.format() != ExampleFormat.PROMPT_COMPLETION) return List.of();
        List<TextField> prompts = new ArrayList<>();
        for (Draft draft : data.drafts()) {
            TextField prompt = TextField.first(draft, "prompt");
            if (prompt != null && !prompt.text().isBlank()) prompts.add(prompt);
        }
        if (prompts.isEmpty()) return List.of();
        String common = Suffixes.commonSuffix(prompts.stream().map(TextField::text).toList());
        if (!common.isBlank()) {
            return List.of(Finding.of("prompt-separator", Severity.INFO, "All prompts end with the separator \""
                    + RowNote.excerpt(common) + "\"; append it to prompts at inference too."));
        }
        String separator = prompts.stream().anyMatch(p -> p.text().contains(SEPARATOR.strip())) ? FALLBACK : SEPARATOR;
        List<Draft> drafts = data.drafts();
        return List.of(new Finding("prompt-separator", Severity.SUGGESTION, "The prompts do not end with a common"
                + " separator; the model cannot tell where a prompt stops and the completion begins.", List.of(),
                prompts.size(), new Fix("Append \"" + RowNote.excerpt(separator) + "\" to every prompt (use it at"
                + " inference too)?", d -> {
                    for (TextField p : prompts) p.text(p.text().stripTrailing() + separator);
                    drafts.forEach(Draft::reparse);
                })));
    }
}
