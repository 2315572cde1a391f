package dev.whetstone.graders;

import java.util.Locale;

/** {@code text_similarity}'s {@code evaluation_metric} values; {@link TextMetrics} says which published variant each is. */
public enum SimilarityMetric {
    COSINE, FUZZY_MATCH, BLEU, GLEU, METEOR, ROUGE_1, ROUGE_2, ROUGE_3, ROUGE_4, ROUGE_5, ROUGE_L;

    public String wireName() { return name().toLowerCase(Locale.ROOT); }
}
