package dev.whetstone.safety;

/**
 * The safety port (DESIGN.md 4a): grades a text per harm category. Jobs and inference call this, never an
 * implementation. Implementations must be safe to call from many threads at once and must not throw for any
 * text: a classifier that cannot answer returns {@link Classification#failed}.
 */
@FunctionalInterface
public interface SafetyClassifier {
    Classification classify(String text);

    /**
     * How many pieces (tokens) of a growing completion may arrive between two checks of it. 1 for classifiers
     * that cost microseconds (the lexicon); a guard model costs a generation per check, so it judges every
     * 16 pieces and text waits until judged (docs/safety.md, "Streaming").
     */
    default int checkEvery() { return 1; }

    /** Both classifiers, their results merged (the higher severity per category wins); checked as often as the slower allows. */
    default SafetyClassifier and(SafetyClassifier other) {
        SafetyClassifier self = this;
        int every = Math.max(checkEvery(), other.checkEvery());
        return new SafetyClassifier() {
            @Override
            public Classification classify(String text) { return self.classify(text).merge(other.classify(text)); }

            @Override
            public int checkEvery() { return every; }
        };
    }
}
