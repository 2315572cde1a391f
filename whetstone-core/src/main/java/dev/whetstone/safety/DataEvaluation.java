package dev.whetstone.safety;

import dev.whetstone.data.ChatExample;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.PreferenceExample;
import dev.whetstone.data.PromptCompletionExample;
import dev.whetstone.data.ReinforcementExample;
import dev.whetstone.data.TrainingExample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The check of a job's training data before training (docs/safety.md, "Data evaluation"): every example's text
 * (all messages, or prompt and completion) is graded; a category fails when any example reaches
 * {@link #THRESHOLD}. The failure message is Azure's.
 */
public final class DataEvaluation {
    /** Microsoft.Default's threshold: low-severity words ("kill the process") do not fail a data set. */
    public static final Severity THRESHOLD = Severity.MEDIUM;

    /**
     * @param failed   the categories that failed, in Azure's order (by check name)
     * @param flagged  per failed category, how many examples reached the threshold
     * @param firstLine per failed category, the 1-based line of the first such example
     */
    public record Result(List<HarmCategory> failed, Map<HarmCategory, Integer> flagged, Map<HarmCategory, Integer> firstLine) {
        public boolean passed() { return failed.isEmpty(); }

        /** Azure's words: "The provided training data failed RAI checks for harm types: [...]. Please fix ...". */
        public String message() {
            return "The provided training data failed RAI checks for harm types: ["
                    + failed.stream().map(HarmCategory::dataCheckName).collect(Collectors.joining(", "))
                    + "]. Please fix the data and try again.";
        }

        /** Where to look: "violence: 2 examples, first on line 4; …" (lines only, never the content). */
        public String details() {
            return failed.stream().map(c -> c.dataCheckName() + ": " + flagged.get(c) + " example"
                    + (flagged.get(c) == 1 ? "" : "s") + ", first on line " + firstLine.get(c))
                    .collect(Collectors.joining("; "));
        }
    }

    private DataEvaluation() {}

    public static Result evaluate(List<TrainingExample> examples, SafetyClassifier classifier) {
        Map<HarmCategory, Integer> flagged = new EnumMap<>(HarmCategory.class);
        Map<HarmCategory, Integer> first = new EnumMap<>(HarmCategory.class);
        for (int i = 0; i < examples.size(); i++) {
            Classification c = classifier.classify(text(examples.get(i)));
            for (HarmCategory category : HarmCategory.values()) {
                if (c.severity(category).atLeast(THRESHOLD)) {
                    flagged.merge(category, 1, Integer::sum);
                    first.putIfAbsent(category, i + 1);
                }
            }
        }
        List<HarmCategory> failed = new ArrayList<>(flagged.keySet());
        failed.sort(Comparator.comparing(HarmCategory::dataCheckName));
        return new Result(List.copyOf(failed), Map.copyOf(flagged), Map.copyOf(first));
    }

    static String text(TrainingExample example) {
        return switch (example) {
            // tool calls' arguments are trained text too
            case ChatExample chat -> chat.messages().stream().flatMap(m -> Stream.concat(Stream.of(m.text()),
                    m.toolCalls().stream().map(c -> c.arguments()))).collect(Collectors.joining("\n"));
            case PromptCompletionExample pc -> pc.prompt() + "\n" + pc.completion();
            // both replies are training data: a harmful non-preferred reply is still harmful content in the file
            case PreferenceExample p -> Stream.concat(p.input().stream(), Stream.of(p.preferred(), p.nonPreferred()))
                    .map(ChatMessage::text).collect(Collectors.joining("\n"));
            case ReinforcementExample r -> r.messages().stream().map(ChatMessage::text).collect(Collectors.joining("\n"));
        };
    }
}
