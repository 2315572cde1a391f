package dev.whetstone.data.prepare;

import java.util.ArrayList;
import java.util.List;

/**
 * The analyses, in the order they run. Each sees the data as the fixes accepted before it left it, so a removed
 * duplicate is not reported again as too long; the count comes last, after every removal.
 */
public final class Preparation {
    static final List<Analysis> ANALYSES = List.of(
            new EmptyFields(),
            new ChatTurns(),
            new ChatWeights(),
            new ChatImages(),
            new InvalidExamples(),
            new Duplicates(),
            new Whitespace(),
            new PromptSeparator(),
            new CompletionConvention(),
            new LongExamples(),
            new Classification(),
            new ExampleCount());

    /** Sees every finding as it is made and decides whether its fix (if any) is applied. */
    @FunctionalInterface
    public interface Decider {
        boolean accept(Finding finding);
    }

    /** A finding and whether its fix was applied. */
    public record Decided(Finding finding, boolean applied) {}

    private Preparation() {}

    public static List<Decided> run(Dataset data, PrepareContext context, Decider decider) {
        List<Decided> decided = new ArrayList<>();
        for (Analysis analysis : ANALYSES) {
            for (Finding finding : analysis.analyse(data, context)) {
                boolean apply = decider.accept(finding) && finding.fix() != null;
                if (apply) finding.fix().apply().accept(data);
                decided.add(new Decided(finding, apply));
            }
        }
        return decided;
    }
}
