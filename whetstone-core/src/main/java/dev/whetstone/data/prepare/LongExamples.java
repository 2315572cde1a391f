package dev.whetstone.data.prepare;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts every valid example's tokens (with the model's tokenizer when one is given) and reports examples longer
 * than the context training keeps: their ends, usually the reply, are cut off. Examples the chat template refuses
 * are errors: the job would fail on them.
 */
final class LongExamples implements Analysis {
    @Override
    public List<Finding> analyse(Dataset data, PrepareContext context) {
        ModelTarget model = context.model();
        Rows refused = new Rows();
        Rows tooLong = new Rows();
        long longest = 0;
        for (Draft draft : data.drafts()) {
            if (draft.example() == null) continue;
            try {
                long tokens = count(draft, model.tokens());
                if (tokens > model.contextLength()) {
                    tooLong.add(draft, tokens + " tokens");
                    longest = Math.max(longest, tokens);
                }
            } catch (TokenCounter.RefusedException e) {
                refused.addMessage(draft, e.getMessage());
            }
        }
        List<Finding> findings = new ArrayList<>();
        if (!refused.isEmpty()) {
            findings.add(refused.finding("tokenizer", Severity.ERROR, Rows.subject(refused.size(), data.unit(), "cannot", "cannot")
                    + " be tokenized for model '" + model.name() + "' (its chat template refuses them); the job"
                    + " would fail.",
                    refused.removal(Rows.removeQuestion(refused.size(), data.unit()))));
        }
        if (!tooLong.isEmpty()) {
            String counted = model.tokens().exact() ? "" : " (estimated: give --model for real counts)";
            String whose = model.name() == null ? "training's default limit" : "model '" + model.name() + "''s context";
            findings.add(tooLong.finding("long-examples", Severity.WARNING, Rows.subject(tooLong.size(), data.unit(), "is", "are")
                    + " longer than " + whose + " of " + model.contextLength() + " tokens (the longest has " + longest
                    + counted + "); training cuts them, so their ends are lost.",
                    tooLong.removal(Rows.removeQuestion(tooLong.size(), data.unit()))));
        }
        return findings;
    }

    /** The draft's token count, counted once per edit. */
    static long count(Draft draft, TokenCounter counter) {
        if (draft.tokens() < 0) draft.tokens(counter.count(draft.example()));
        return draft.tokens();
    }
}
