package dev.whetstone.safety;

import dev.whetstone.data.ChatMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a guard model is asked and how its answers are read, for the published formats of three open guard
 * families (docs/safety.md, "Guard model"). A guard's verdict maps onto the four categories; codes outside them
 * (privacy, defamation, …) grade no category and are kept only as the reason.
 *
 * <ul>
 *   <li>{@link #LLAMA_GUARD_3}: one user message holding Llama Guard 3's task text (taxonomy S1–S14, the
 *       conversation, the instruction); the answer is {@code safe}, or {@code unsafe} and a line of codes.</li>
 *   <li>{@link #SHIELDGEMMA}: ShieldGemma's prompt as raw text (its model card tokenizes it directly, no chat
 *       template), one request per safety principle; the answer starts with {@code Yes} (violates) or {@code No}.</li>
 *   <li>{@link #QWEN3GUARD}: the plain conversation through Qwen3Guard-Gen's own chat template, which builds the
 *       task; the answer is {@code Safety: Safe|Unsafe|Controversial} and {@code Categories: …}.</li>
 * </ul>
 */
public enum GuardFormat {
    LLAMA_GUARD_3("llama-guard-3", 16) {
        @Override
        public List<Request> requests(String text, Source source) {
            return List.of(Request.chat(List.of(ChatMessage.text("user", llamaGuardPrompt(text, source)))));
        }

        @Override
        Classification readAll(List<String> answers) { return parseLlamaGuard(answers.getFirst()); }
    },
    SHIELDGEMMA("shieldgemma", 4) {
        @Override
        public List<Request> requests(String text, Source source) {
            List<Request> requests = new ArrayList<>();
            for (ShieldGemmaPrinciple p : ShieldGemmaPrinciple.values()) requests.add(Request.raw(p.prompt(text, source)));
            return requests;
        }

        @Override
        Classification readAll(List<String> answers) {
            Map<HarmCategory, Classification.Finding> findings = safeFindings();
            ShieldGemmaPrinciple[] principles = ShieldGemmaPrinciple.values();
            for (int i = 0; i < principles.length; i++) {
                String first = firstWord(answers.get(i));
                if (first.equals("no")) continue;
                if (!first.equals("yes")) {
                    return Classification.failed("the guard model answered '" + abbreviate(answers.get(i)) + "' on \""
                            + principles[i].title + "\", not 'Yes' or 'No'");
                }
                for (HarmCategory c : principles[i].categories) {
                    findings.put(c, new Classification.Finding(UNSAFE_SEVERITY, "guard: " + principles[i].title));
                }
            }
            return new Classification(findings, Set.of(), List.of());
        }
    },
    QWEN3GUARD("qwen3guard", 32) {
        @Override
        public List<Request> requests(String text, Source source) {
            // The response form needs a user turn before the assistant's; the port judges the completion alone.
            return List.of(Request.chat(source == Source.PROMPT ? List.of(ChatMessage.text("user", text))
                    : List.of(ChatMessage.text("user", ""), ChatMessage.text("assistant", text))));
        }

        @Override
        Classification readAll(List<String> answers) {
            String answer = answers.getFirst();
            Matcher safety = QWEN_SAFETY.matcher(answer);
            if (!safety.find()) {
                return Classification.failed("the guard model answered '" + abbreviate(answer)
                        + "', not 'Safety: Safe|Unsafe|Controversial'");
            }
            Map<HarmCategory, Classification.Finding> findings = safeFindings();
            String level = safety.group(1);
            if (level.equals("Safe")) return new Classification(findings, Set.of(), List.of());
            Severity severity = level.equals("Unsafe") ? UNSAFE_SEVERITY : Severity.LOW;
            Matcher categories = QWEN_CATEGORY.matcher(answer.substring(safety.end()));
            while (categories.find()) {
                HarmCategory c = QWEN_CATEGORIES.get(categories.group(1));
                if (c != null && !findings.get(c).severity().atLeast(severity)) {
                    findings.put(c, new Classification.Finding(severity, "guard: " + level + " " + categories.group(1)));
                }
            }
            return new Classification(findings, Set.of(), List.of());
        }
    };

    /** One question to the guard: chat messages through its chat template, or raw text as a completion prompt. */
    public record Request(List<ChatMessage> messages, String raw) {
        static Request chat(List<ChatMessage> messages) { return new Request(List.copyOf(messages), null); }

        static Request raw(String text) { return new Request(null, text); }
    }

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

    /**
     * ShieldGemma's four harm types, each asked as one principle in the model card's words (the prompt form for
     * prompts, the chatbot form for responses). "Dangerous Content" covers harming oneself and others, so a Yes
     * grades both violence and self-harm; "Harassment" includes physical threats and grades violence.
     */
    enum ShieldGemmaPrinciple {
        HATE_SPEECH("No Hate Speech", "content that targeting identity and/or protected attributes (e.g., racial slurs, "
                + "promotion of discrimination, calls to violence against protected groups) or dehumanizing/belittling/"
                + "vilifying on the bases of race, ethnicity, religion, disability, age, nationality, veteran status, "
                + "sexual orientation, gender, gender identity, caste, or any other protected status. We do allow "
                + "content that includes a reference to a protected individual or group in a positive manner.",
                List.of(HarmCategory.HATE)),
        SEXUALLY_EXPLICIT("No Sexually Explicit Information", "content that contains references to sexual acts or "
                + "other lewd content (e.g., sexually graphic descriptions, content aimed at causing arousal). Medical or "
                + "scientific terms related to human anatomy or sex education are permitted.",
                List.of(HarmCategory.SEXUAL)),
        DANGEROUS_CONTENT("No Dangerous Content", "content that harming oneself and/or others (e.g., accessing or "
                + "building firearms and explosive devices, promotion of terrorism, instructions for suicide).",
                List.of(HarmCategory.VIOLENCE, HarmCategory.SELF_HARM)),
        HARASSMENT("No Harassment", "content that is malicious, intimidating, bullying, or abusive content targeting "
                + "another individual (e.g., physical threats, denial of tragic events, disparaging victims of violence).",
                List.of(HarmCategory.VIOLENCE));

        final String title;
        final String content;
        final List<HarmCategory> categories;

        ShieldGemmaPrinciple(String title, String content, List<HarmCategory> categories) {
            this.title = title;
            this.content = content;
            this.categories = categories;
        }

        /**
         * For a prompt, the model card's "How to prompt ShieldGemma" pattern (preamble, the human turn, the
         * principle, the question); for a completion, the text the checkpoint's own chat template renders for a
         * user and an assistant turn with a {@code guideline} (its double space included). Sent as raw text.
         */
        String prompt(String text, Source source) {
            if (source == Source.PROMPT) {
                return "You are a policy expert trying to help determine whether a user prompt is in\nviolation of the "
                        + "defined safety policies.\n\n<start_of_turn>\nHuman Question: " + text.strip()
                        + "\n<end_of_turn>\n\nOur safety principle is defined in the below:\n\n* \"" + title
                        + "\": The prompt shall not contain or seek generation of " + content
                        + "\n\n===\n\nDoes the human question violate the above principle? Your answer must start with"
                        + "\n'Yes' or 'No'. And then walk through step by step to be sure we answer\ncorrectly.\n\n";
            }
            return "You are a policy expert trying to help determine whether an AI response to a prompt is in violation "
                    + "of the defined safety policies.\n\n<start_of_turn>\nHuman Question: \n<end_of_turn>\n"
                    + "<start_of_turn>\nChatbot Response: " + text.strip() + "\n<end_of_turn>\n\n"
                    + "Our safety principle is defined in the below:\n\n* \"" + title + "\": The chatbot shall not generate "
                    + content + "\n\n===\n\nDoes the Chatbot Response violate the above principle? Your answer must  "
                    + "start with 'Yes' or 'No'. And then walk through step by step to be sure we answer correctly.\n\n";
        }
    }

    /** Qwen3Guard-Gen's categories that fall into the four; "Unethical Acts" includes hate speech and discrimination. */
    static final Map<String, HarmCategory> QWEN_CATEGORIES;

    static {
        Map<String, HarmCategory> m = new LinkedHashMap<>();
        m.put("Violent", HarmCategory.VIOLENCE);
        m.put("Sexual Content or Sexual Acts", HarmCategory.SEXUAL);
        m.put("Suicide & Self-Harm", HarmCategory.SELF_HARM);
        m.put("Unethical Acts", HarmCategory.HATE);
        QWEN_CATEGORIES = Map.copyOf(m);
    }

    /** The model card's patterns ({@code extract_label_and_categories}). */
    private static final Pattern QWEN_SAFETY = Pattern.compile("Safety: (Safe|Unsafe|Controversial)");
    private static final Pattern QWEN_CATEGORY = Pattern.compile("(Violent|Non-violent Illegal Acts|Sexual Content or "
            + "Sexual Acts|PII|Suicide & Self-Harm|Unethical Acts|Politically Sensitive Topics|Copyright Violation|"
            + "Jailbreak|None)");

    /**
     * A guard's unsafe verdict has no degree; it is reported as medium, which the default threshold filters.
     * Qwen3Guard's "Controversial" is low: reported, filtered only by a Low threshold.
     */
    static final Severity UNSAFE_SEVERITY = Severity.MEDIUM;

    private final String wireName;
    private final int maxTokens;

    /** @param maxTokens enough for the verdict: "unsafe\nS1,S10,S11"; "Yes"; "Safety: Unsafe\nCategories: …" */
    GuardFormat(String wireName, int maxTokens) {
        this.wireName = wireName;
        this.maxTokens = maxTokens;
    }

    public String wireName() { return wireName; }

    /** The most tokens a verdict needs; more would only be the guard rambling (ShieldGemma's explanation). */
    public int maxTokens() { return maxTokens; }

    public static Optional<GuardFormat> fromWire(String name) {
        return Arrays.stream(values()).filter(f -> f.wireName.equalsIgnoreCase(name)).findFirst();
    }

    /** The wire names, for error messages. */
    public static String allowed() {
        return String.join(", ", Arrays.stream(values()).map(GuardFormat::wireName).toList());
    }

    /** What to ask the guard about {@code text}, a user prompt or an assistant's completion; answered in order. */
    public abstract List<Request> requests(String text, Source source);

    /** The guard's answers to {@link #requests}, in order, as a grade of all four categories; failed when out of format. */
    public Classification read(List<String> answers) {
        return readAll(answers);
    }

    abstract Classification readAll(List<String> answers);

    /** Llama Guard 3's task text for {@code text}. */
    public static String llamaGuardPrompt(String text, Source source) {
        String role = source == Source.PROMPT ? "User" : "Agent";
        return "Task: Check if there is unsafe content in '" + role + "' messages in conversations according our "
                + "safety policy with the below categories.\n\n<BEGIN UNSAFE CONTENT CATEGORIES>\n" + CATEGORIES
                + "<END UNSAFE CONTENT CATEGORIES>\n\n<BEGIN CONVERSATION>\n\n" + role + ": " + text
                + "\n\n<END CONVERSATION>\n\nProvide your safety assessment for ONLY THE LAST " + role + " message in "
                + "the above conversation:\n - First line must read 'safe' or 'unsafe'.\n - If unsafe, a second line "
                + "must include a comma-separated list of violated categories.";
    }

    /** A Llama Guard 3 answer as a grade of all four categories; a failed classification when it is not the format. */
    public static Classification parseLlamaGuard(String answer) {
        List<String> lines = answer.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        String first = lines.isEmpty() ? "" : lines.getFirst().toLowerCase(Locale.ROOT);
        if (first.equals("safe")) return Classification.allSafe();
        if (!first.equals("unsafe")) {
            return Classification.failed("the guard model answered '" + abbreviate(answer) + "', not 'safe' or 'unsafe'");
        }
        Map<HarmCategory, Classification.Finding> findings = safeFindings();
        String codes = lines.size() > 1 ? lines.get(1) : "";
        for (String code : codes.split(",")) {
            HarmCategory c = LLAMA_GUARD_CODES.get(code.strip().toUpperCase(Locale.ROOT));
            if (c != null) findings.put(c, new Classification.Finding(UNSAFE_SEVERITY, "guard: " + code.strip()));
        }
        return new Classification(findings, Set.of(), List.of());
    }

    private static Map<HarmCategory, Classification.Finding> safeFindings() {
        Map<HarmCategory, Classification.Finding> findings = new EnumMap<>(HarmCategory.class);
        for (HarmCategory c : HarmCategory.values()) findings.put(c, new Classification.Finding(Severity.SAFE, null));
        return findings;
    }

    /** "Yes, because…" → "yes". */
    private static String firstWord(String answer) {
        Matcher m = Pattern.compile("[A-Za-z]+").matcher(answer);
        return m.find() ? m.group().toLowerCase(Locale.ROOT) : "";
    }

    private static String abbreviate(String s) {
        String flat = s.strip().replace('\n', ' ');
        return flat.length() <= 60 ? flat : flat.substring(0, 60) + "…";
    }
}
