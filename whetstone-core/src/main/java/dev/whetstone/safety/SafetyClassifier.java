package dev.whetstone.safety;

/**
 * The safety port (DESIGN.md 4a): grades a text per harm category. Jobs and inference call this, never an
 * implementation. Implementations must be safe to call from many threads at once and must not throw for any
 * text: a classifier that cannot answer returns {@link Classification#failed}.
 */
@FunctionalInterface
public interface SafetyClassifier {
    Classification classify(String text);

    /** Both classifiers, their results merged (the higher severity per category wins). */
    default SafetyClassifier and(SafetyClassifier other) {
        return text -> classify(text).merge(other.classify(text));
    }
}
