package dev.whetstone.data.prepare;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Data whose answers come from a few labels (at most 20 distinct answers, each seen five times on average, each
 * at most a few words) looks like classification; a validation file then measures how often the label is right.
 */
final class Classification implements Analysis {
    static final int MAX_CLASSES = 20;
    static final double SPLIT = 0.2;

    @Override
    public List<Finding> analyse(Dataset data, PrepareContext context) {
        Map<String, Integer> labels = new LinkedHashMap<>();
        for (Draft draft : data.drafts()) {
            String answer = answer(draft);
            if (answer == null || answer.split("\\s+").length > 3) return List.of();
            labels.merge(answer, 1, Integer::sum);
        }
        int n = data.drafts().size();
        if (labels.size() < 2 || labels.size() > MAX_CLASSES || labels.size() * 5 > n) return List.of();
        String shown = RowNote.excerpt(String.join(", ", labels.keySet()));
        String message = "The data looks like classification into " + labels.size() + " classes (" + shown + ").";
        if (data.validationSplit() != null) return List.of(Finding.of("classification", Severity.INFO, message));
        return List.of(new Finding("classification", Severity.SUGGESTION, message + " A validation file shows how"
                + " often the trained model picks the right class.", List.of(), n,
                new Fix("Write " + Math.round(SPLIT * 100) + " % of the examples to a validation file?",
                        d -> d.validationSplit(SPLIT))));
    }

    /** The trained answer: the completion, or the last assistant message's text; null when there is none. */
    private static String answer(Draft draft) {
        JsonNode json = draft.json();
        if (json.path("completion").isTextual()) return json.get("completion").textValue().strip();
        String last = null;
        for (JsonNode message : json.path("messages")) {
            if (message.path("role").asText().equals("assistant")) last = message.path("content").isTextual()
                    ? message.get("content").textValue().strip() : null;
        }
        return last == null || last.isEmpty() ? null : last;
    }
}
