package dev.whetstone.data.prepare;

import dev.whetstone.engine.AutoHyperparameters;
import dev.whetstone.engine.TrainingSpec;

/**
 * The numbers of the summary.
 *
 * @param examples           training examples
 * @param validationExamples validation examples (0 without a split)
 * @param tokens             tokens of the training examples, each counted up to the context length
 * @param exact              whether the counts come from the model's tokenizer (else they are estimates)
 * @param epochs             epochs: as asked, or the service's auto rule for this many examples
 * @param trainedTokens      tokens × epochs: what training processes (and what billing counts)
 */
public record Totals(long examples, long validationExamples, long tokens, boolean exact, int epochs, long trainedTokens) {

    public static Totals of(Dataset data, PrepareContext context) {
        var split = Split.apply(data.drafts(), data.validationSplit());
        ModelTarget model = context.model();
        long tokens = 0;
        boolean exact = model.tokens().exact();
        for (Draft draft : split.get(0)) {
            if (draft.example() == null) continue;
            long n;
            try {
                n = LongExamples.count(draft, model.tokens());
            } catch (TokenCounter.RefusedException e) {
                n = TokenCounter.ESTIMATE.count(draft.example());
                exact = false;
            }
            tokens += Math.min(n, model.contextLength());
        }
        int examples = split.get(0).size();
        int epochs = AutoHyperparameters.resolve(new TrainingSpec.Hyperparameters(context.epochs(), null, null),
                Math.max(1, examples), TrainingSpec.Method.LORA, AutoHyperparameters.MAX_BATCH_SIZE).nEpochs();
        return new Totals(examples, split.get(1).size(), tokens, exact, epochs, tokens * epochs);
    }
}
