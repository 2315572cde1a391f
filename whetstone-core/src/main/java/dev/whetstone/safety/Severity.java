package dev.whetstone.safety;

import java.util.Arrays;
import java.util.Optional;

/** How harmful a text is in one category, in Azure's order: safe &lt; low &lt; medium &lt; high. */
public enum Severity {
    SAFE, LOW, MEDIUM, HIGH;

    /** {@code safe}, {@code low}, … as annotations spell it. */
    public String wireName() { return name().toLowerCase(java.util.Locale.ROOT); }

    /** {@code Low}, {@code Medium}, {@code High} as RAI policies spell thresholds. */
    public String armName() { return name().charAt(0) + name().substring(1).toLowerCase(java.util.Locale.ROOT); }

    public boolean atLeast(Severity other) { return compareTo(other) >= 0; }

    public static Severity max(Severity a, Severity b) { return a.compareTo(b) >= 0 ? a : b; }

    /** A policy threshold: Low, Medium or High (case-insensitive); safe is not a threshold. */
    public static Optional<Severity> threshold(String name) {
        if (name == null) return Optional.empty();
        return Arrays.stream(new Severity[] {LOW, MEDIUM, HIGH}).filter(s -> s.name().equalsIgnoreCase(name)).findFirst();
    }

    /** A lexicon or classifier level, any of the four (case-insensitive). */
    public static Optional<Severity> parse(String name) {
        return Arrays.stream(values()).filter(s -> s.name().equalsIgnoreCase(name)).findFirst();
    }
}
