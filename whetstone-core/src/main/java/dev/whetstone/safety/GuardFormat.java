package dev.whetstone.safety;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How a guard model is asked and how its answer is read. Llama Guard 3's published prompt: the hazard taxonomy
 * S1–S14, the conversation, and the instruction to answer {@code safe}, or {@code unsafe} and a line of
 * comma-separated codes. Codes outside the four harm categories (defamation, privacy, …) make no category unsafe
 * here; they are kept in the reason.
 */
public enum GuardFormat {
    LLAMA_GUARD_3("llama-guard-3");

    /** Llama Guard 3's codes for the four categories this service grades. */
    static final Map<String, HarmCategory> LLAMA_GUARD_CODES = Map.of(
            "S1", HarmCategory.VIOLENCE,  // violent crimes
            "S3", HarmCategory.SEXUAL,    // sex-related crimes
            "S4", HarmCategory.SEXUAL,    // child sexual exploitation
            "S9", HarmCategory.VIOLENCE,  // indiscriminate weapons
            "S10", HarmCategory.HATE,
            "S11", HarmCategory.SELF_HARM,
            "S12", HarmCategory.SEXUAL);

    private static final String CATEGORIES = """
            S1: Violent Crimes.
            S2: Non-Violent Crimes.
            S3: Sex Crimes.
            S4: Child Exploitation.
            S5: Defamation.
            S6: Specialized Advice.
            S7: Privacy.
            S8: Intellectual Property.
            S9: Indiscriminate Weapons.
            S10: Hate.
            S11: Self-Harm.
            S12: Sexual Content.
            S13: Elections.
            S14: Code Interpreter Abuse.
            """;

    /** A guard's unsafe verdict has no degree; it is reported as medium, which the default threshold filters. */
    static final Severity UNSAFE_SEVERITY = Severity.MEDIUM;

    private final String wireName;

    GuardFormat(String wireName) { this.wireName = wireName; }

    public String wireName() { return wireName; }

    public static Optional<GuardFormat> fromWire(String name) {
        return Arrays.stream(values()).filter(f -> f.wireName.equalsIgnoreCase(name)).findFirst();
    }

    /** The user message that asks the guard about {@code text}, a user prompt or an assistant's completion. */
    public String prompt(String text, Source source) {
        String role = source == Source.PROMPT ? "User" : "Agent";
        return "Task: Check if there is unsafe content in '" + role + "' messages in conversations according our "
                + "safety policy with the below categories.\n\n<BEGIN UNSAFE CONTENT CATEGORIES>\n" + CATEGORIES
                + "<END UNSAFE CONTENT CATEGORIES>\n\n<BEGIN CONVERSATION>\n\n" + role + ": " + text
                + "\n\n<END CONVERSATION>\n\nProvide your safety assessment for ONLY THE LAST " + role + " message in "
                + "the above conversation:\n - First line must read 'safe' or 'unsafe'.\n - If unsafe, a second line "
                + "must include a comma-separated list of violated categories.";
    }

    /** The guard's answer as a grade of all four categories; a failed classification when it is not the format. */
    public Classification parse(String answer) {
        List<String> lines = answer.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        String first = lines.isEmpty() ? "" : lines.getFirst().toLowerCase(java.util.Locale.ROOT);
        if (first.equals("safe")) return Classification.allSafe();
        if (!first.equals("unsafe")) {
            return Classification.failed("the guard model answered '" + abbreviate(answer) + "', not 'safe' or 'unsafe'");
        }
        Map<HarmCategory, Classification.Finding> findings = new EnumMap<>(HarmCategory.class);
        for (HarmCategory c : HarmCategory.values()) findings.put(c, new Classification.Finding(Severity.SAFE, null));
        String codes = lines.size() > 1 ? lines.get(1) : "";
        for (String code : codes.split(",")) {
            HarmCategory c = LLAMA_GUARD_CODES.get(code.strip().toUpperCase(java.util.Locale.ROOT));
            if (c != null) findings.put(c, new Classification.Finding(UNSAFE_SEVERITY, "guard: " + code.strip()));
        }
        return new Classification(findings, Set.of(), List.of());
    }

    private static String abbreviate(String s) {
        String flat = s.strip().replace('\n', ' ');
        return flat.length() <= 60 ? flat : flat.substring(0, 60) + "…";
    }
}
