package dev.whetstone.graders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Known values for each metric: the libraries' published examples where they give one (rapidfuzz's README, the
 * rouge-score README, nltk's meteor docstring), otherwise counts done by hand from the definition (each written
 * out below), so a change of tokenizer, smoothing or matching order fails.
 */
class TextMetricsTest {
    private static final double EXACT = 1e-12;
    private static final String CAT = "the cat sat on the mat";
    private static final String CAT_REF = "the cat is on the mat";

    @Test
    void fuzzyMatchIsRapidfuzzRatio() {
        // rapidfuzz README: fuzz.ratio("this is a test", "this is a test!") = 96.55172413793103
        assertThat(TextMetrics.fuzzyRatio("this is a test", "this is a test!")).isCloseTo(0.9655172413793103, within(1e-15));
        // kitten/sitting: LCS "ittn" = 4 of 6 + 7 characters
        assertThat(TextMetrics.fuzzyRatio("kitten", "sitting")).isCloseTo(8.0 / 13, within(EXACT));
        assertThat(TextMetrics.fuzzyRatio("", "")).isEqualTo(1.0);
        assertThat(TextMetrics.fuzzyRatio("abc", "")).isEqualTo(0.0);
    }

    @Test
    void bleuIsSacrebleuSentenceBleu() {
        // 13a: split punctuation except between digits, keep the apostrophe, split a dash after a digit
        assertThat(TextMetrics.tokenize13a("Hello, world. It's 3.5-4!"))
                .containsExactly("Hello", ",", "world", ".", "It's", "3.5", "-", "4", "!");
        // precisions 5/6, 3/5, 1/4 and 0/3 smoothed by exp to 1/(2·3); equal lengths, so no brevity penalty
        double expected = Math.pow(5.0 / 6 * 3.0 / 5 * 1.0 / 4 * 1.0 / 6, 0.25);
        assertThat(TextMetrics.sentenceBleu(CAT, CAT_REF)).isCloseTo(expected, within(1e-12));
        assertThat(TextMetrics.sentenceBleu(CAT, CAT)).isCloseTo(1.0, within(1e-12));
        // two words, one right: effective order 2 (no 3- or 4-grams), p1 = 1/2, p2 = 0 → 1/(2·1); BP = exp(1 − 3/2)
        assertThat(TextMetrics.sentenceBleu("the dog", "the cat sat"))
                .isCloseTo(Math.exp(1 - 1.5) * Math.sqrt(0.5 * 0.5), within(1e-12));
        assertThat(TextMetrics.sentenceBleu("xyz", "abc")).isEqualTo(0.0);
    }

    @Test
    void gleuIsNltkSentenceGleu() {
        // n-grams 1–4: matches 5 + 3 + 1 + 0 = 9 of 6 + 5 + 4 + 3 = 18 on both sides
        assertThat(TextMetrics.sentenceGleu(CAT, CAT_REF)).isCloseTo(0.5, within(EXACT));
        // nltk's docstring pair: 29 matching n-grams of max(66, 58)
        assertThat(TextMetrics.sentenceGleu(NLTK_HYP, NLTK_REF)).isCloseTo(29.0 / 66, within(EXACT));
    }

    @Test
    void meteorIsNltkExactStage() {
        // nltk's docstring: round(meteor_score([reference1], hypothesis1), 4) = 0.6944 (12 matches, 6 chunks)
        assertThat(TextMetrics.meteorExact(NLTK_HYP, NLTK_REF)).isCloseTo(0.6944, within(5e-5));
        // 5 matches in 2 chunks: (1 − 0.5·(2/5)³)·5/6
        assertThat(TextMetrics.meteorExact(CAT, CAT_REF)).isCloseTo((1 - 0.5 * Math.pow(0.4, 3)) * 5 / 6, within(EXACT));
    }

    @Test
    void rougeIsRougeScoreFmeasure() {
        // rouge-score README: score(target 'The quick brown fox jumps over the lazy dog',
        //                           prediction 'The quick brown dog jumps on the log.')
        String target = "The quick brown fox jumps over the lazy dog";
        String prediction = "The quick brown dog jumps on the log.";
        assertThat(TextMetrics.rougeN(prediction, target, 1)).isCloseTo(0.7058823529411765, within(1e-15));
        assertThat(TextMetrics.rougeL(prediction, target)).isCloseTo(0.5882352941176471, within(1e-15));
        // bigrams: "the quick", "quick brown" of 7 and 8
        assertThat(TextMetrics.rougeN(prediction, target, 2)).isCloseTo(2 * (2.0 / 7) * (2.0 / 8) / (2.0 / 7 + 2.0 / 8), within(EXACT));
        assertThat(TextMetrics.rougeN(CAT, CAT_REF, 5)).isEqualTo(0.0);
        assertThat(TextMetrics.rougeTokens("Élan, 42-b!")).containsExactly("lan", "42", "b");
    }

    private static final String NLTK_HYP = String.join(" ", List.of("It", "is", "a", "guide", "to", "action", "which",
            "ensures", "that", "the", "military", "always", "obeys", "the", "commands", "of", "the", "party"));
    private static final String NLTK_REF = String.join(" ", List.of("It", "is", "a", "guide", "to", "action", "that",
            "ensures", "that", "the", "military", "will", "forever", "heed", "Party", "commands"));
}
