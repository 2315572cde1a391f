package dev.whetstone.graders;

import java.util.Locale;

/** {@code string_check}'s operations (the OpenAI graders guide's definitions). */
public enum StringOperation {
    /** input equals reference, case-sensitive. */
    EQ,
    /** input differs from reference, case-sensitive. */
    NE,
    /** input contains reference, case-sensitive. */
    LIKE,
    /** input contains reference, ignoring case (Unicode-aware lower-casing of both). */
    ILIKE;

    public String wireName() { return name().toLowerCase(Locale.ROOT); }

    public boolean test(String input, String reference) {
        return switch (this) {
            case EQ -> input.equals(reference);
            case NE -> !input.equals(reference);
            case LIKE -> input.contains(reference);
            case ILIKE -> input.toLowerCase(Locale.ROOT).contains(reference.toLowerCase(Locale.ROOT));
        };
    }
}
