package dev.whetstone.safety;

import java.util.Arrays;
import java.util.Optional;

/**
 * The four harm categories Azure's content filters grade (docs/safety.md), with each of the names Azure uses for
 * them in different places.
 */
public enum HarmCategory {
    HATE("hate", "Hate", "hate_fairness", "Hate"),
    SEXUAL("sexual", "Sexual", "sexual", "Sexual"),
    VIOLENCE("violence", "Violence", "violence", "Violence"),
    SELF_HARM("self_harm", "Selfharm", "self_harm", "Self Harm");

    private final String wireName;
    private final String armName;
    private final String dataCheckName;
    private final String title;

    HarmCategory(String wireName, String armName, String dataCheckName, String title) {
        this.wireName = wireName;
        this.armName = armName;
        this.dataCheckName = dataCheckName;
        this.title = title;
    }

    /** The key of inference annotations ({@code content_filter_results.self_harm}). */
    public String wireName() { return wireName; }

    /** The {@code contentFilters[].name} of a RAI policy ({@code Selfharm}). */
    public String armName() { return armName; }

    /** How Azure's training-data check names it ({@code hate_fairness}). */
    public String dataCheckName() { return dataCheckName; }

    /** How Azure's model evaluation names it ({@code Self Harm}). */
    public String title() { return title; }

    /** By its policy name, case-insensitively; also accepts the wire name ({@code self_harm}). */
    public static Optional<HarmCategory> fromArm(String name) {
        if (name == null) return Optional.empty();
        return Arrays.stream(values())
                .filter(c -> c.armName.equalsIgnoreCase(name) || c.wireName.equalsIgnoreCase(name))
                .findFirst();
    }
}
