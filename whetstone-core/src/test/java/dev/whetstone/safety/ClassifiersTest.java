package dev.whetstone.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The built-in lexicon, blocklists and the Llama Guard 3 answer format. */
class ClassifiersTest {
    static RaiBlocklistItem term(String pattern) {
        return new RaiBlocklistItem("a", "list", "i-" + pattern.hashCode(), pattern, false, 0, 0, "e");
    }

    static RaiBlocklistItem regex(String pattern) {
        return new RaiBlocklistItem("a", "list", "r-" + pattern.hashCode(), pattern, true, 0, 0, "e");
    }

    @Test
    void theLexiconGradesEachCategoryByItsHighestEntryOnWholeWords() {
        LexiconClassifier lexicon = LexiconClassifier.builtIn();
        Classification c = lexicon.classify("I will STAB him, then murder them all.");
        assertThat(c.severity(HarmCategory.VIOLENCE)).isEqualTo(Severity.HIGH);
        assertThat(c.findings().get(HarmCategory.VIOLENCE).reason()).isEqualToIgnoringCase("murder");
        assertThat(c.severity(HarmCategory.HATE)).isEqualTo(Severity.SAFE);
        assertThat(c.findings()).containsOnlyKeys(HarmCategory.values()); // every category graded

        assertThat(lexicon.classify("kill the process").severity(HarmCategory.VIOLENCE)).isEqualTo(Severity.LOW);
        assertThat(lexicon.classify("a skilled stabilizer").severity(HarmCategory.VIOLENCE)).isEqualTo(Severity.SAFE);
        assertThat(lexicon.classify("stabbing").severity(HarmCategory.VIOLENCE)).isEqualTo(Severity.MEDIUM); // stab*
        assertThat(lexicon.classify("I want to\n  end   my life").severity(HarmCategory.SELF_HARM)).isEqualTo(Severity.HIGH);
        assertThat(lexicon.classify("Die ethnische ethnic cleansing").severity(HarmCategory.HATE)).isEqualTo(Severity.HIGH);
        assertThat(lexicon.classify("an explicit sex scene").severity(HarmCategory.SEXUAL)).isEqualTo(Severity.MEDIUM);
    }

    @Test
    void malformedLexiconLinesNameTheLine() {
        assertThatThrownBy(() -> LexiconClassifier.parse(List.of("# c", "gore\thigh\tx")))
                .hasMessageContaining("lexicon line 2: unknown category 'gore'");
        assertThatThrownBy(() -> LexiconClassifier.parse(List.of("hate\tsafe\tx")))
                .hasMessageContaining("severity must be low, medium or high");
    }

    @Test
    void blocklistTermsMatchWholeWordsCaseInsensitivelyAndRegexesAnywhere() {
        BlocklistClassifier list = BlocklistClassifier.of("list", List.of(term("Frob Nicate"), regex("TKT-\\d{4}")));
        assertThat(list.classify("please frob   NICATE it").blocklistHits()).containsExactly("list");
        assertThat(list.classify("frob nicated").blocklistHits()).isEmpty();
        assertThat(list.classify("ticket tkt-0042.").blocklistHits()).containsExactly("list");
        assertThat(list.classify("ticket tkt-42").blocklistHits()).isEmpty();
        assertThat(BlocklistClassifier.of("empty", List.of()).classify("anything")).isEqualTo(Classification.NOTHING);
        // Regex metacharacters in a term are literal.
        assertThat(BlocklistClassifier.of("l", List.of(term("a.b"))).classify("axb").blocklistHits()).isEmpty();
    }

    @Test
    void aRegexThatRunsPastItsBudgetCountsAsAMatchAndSaysWhy() {
        BlocklistClassifier list = BlocklistClassifier.of("slow", List.of(regex("(.*a){25}")));
        long start = System.nanoTime();
        Classification c = list.classify("a".repeat(60) + "!");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(c.blocklistHits()).containsExactly("slow");
        assertThat(c.errors()).singleElement().asString().contains("ran past its 50 ms budget");
        assertThat(ms).isLessThan(2_000); // unbounded it would take hours
    }

    @Test
    void llamaGuardAnswersMapToTheFourCategories() {
        GuardFormat f = GuardFormat.LLAMA_GUARD_3;
        assertThat(f.read(List.of("safe"))).isEqualTo(Classification.allSafe());
        Classification c = GuardFormat.parseLlamaGuard(" unsafe\nS1,S10, s11\n");
        assertThat(c.severity(HarmCategory.VIOLENCE)).isEqualTo(Severity.MEDIUM);
        assertThat(c.severity(HarmCategory.HATE)).isEqualTo(Severity.MEDIUM);
        assertThat(c.severity(HarmCategory.SELF_HARM)).isEqualTo(Severity.MEDIUM);
        assertThat(c.severity(HarmCategory.SEXUAL)).isEqualTo(Severity.SAFE);
        assertThat(GuardFormat.parseLlamaGuard("unsafe\nS12").severity(HarmCategory.SEXUAL)).isEqualTo(Severity.MEDIUM);
        Classification privacy = GuardFormat.parseLlamaGuard("unsafe\nS7"); // a hazard outside the four categories
        assertThat(privacy.findings().values()).allMatch(x -> x.severity() == Severity.SAFE);
        assertThat(GuardFormat.parseLlamaGuard("I think it is fine").errors()).singleElement().asString().contains("not 'safe' or 'unsafe'");
        assertThat(GuardFormat.llamaGuardPrompt("hi", Source.COMPLETION)).contains("Agent: hi").contains("ONLY THE LAST Agent message")
                .contains("S11: Self-Harm.");
    }

    @Test
    void aPolicyFiltersAtOrAboveItsThresholdAndReportsOnlyWhatItGrades() {
        RaiPolicy policy = new RaiPolicy("a", "p", "Default", RaiPolicy.DEFAULT,
                List.of(new RaiPolicy.Filter(HarmCategory.VIOLENCE, Source.PROMPT, Severity.HIGH, true, true),
                        new RaiPolicy.Filter(HarmCategory.HATE, Source.PROMPT, Severity.MEDIUM, true, false),
                        new RaiPolicy.Filter(HarmCategory.SEXUAL, Source.PROMPT, Severity.LOW, false, true)),
                List.of(new RaiPolicy.BlocklistRef("list", Source.COMPLETION, false)), null, 1, 1, "e");
        SafetyClassifier lexicon = LexiconClassifier.builtIn();
        ContentFilter filter = ContentFilter.of(policy, java.util.Map.of(Source.PROMPT, lexicon, Source.COMPLETION, lexicon),
                java.util.Map.of("list", BlocklistClassifier.of("list", List.of(term("widget")))));
        Verdict medium = filter.check("I will stab you, naked", Source.PROMPT);
        assertThat(medium.blocked()).isFalse(); // violence medium < High; sexual is annotate-only
        assertThat(medium.categories()).doesNotContainKey(HarmCategory.HATE); // switched off: not graded
        assertThat(medium.categories().get(HarmCategory.SEXUAL)).isEqualTo(new Verdict.CategoryResult(Severity.MEDIUM, false));
        assertThat(filter.check("murder", Source.PROMPT).blocked()).isTrue();
        Verdict annotated = filter.check("a widget", Source.COMPLETION);
        assertThat(annotated.blocked()).isFalse(); // a non-blocking blocklist only reports
        assertThat(annotated.blocklists()).containsExactly(new Verdict.BlocklistResult("list", true, false));
        assertThat(ContentFilter.OFF.active(Source.PROMPT)).isFalse();
    }
}
