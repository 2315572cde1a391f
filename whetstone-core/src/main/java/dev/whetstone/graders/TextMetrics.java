package dev.whetstone.graders;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code text_similarity} metrics, each written from the definition of the library the OpenAI graders guide
 * names or that is the field's standard implementation, so values match that library on the same input:
 *
 * <ul>
 *   <li>{@code fuzzy_match}: rapidfuzz {@code fuzz.ratio(input, reference) / 100} — the normalised Indel
 *       similarity {@code 2·LCS / (|a| + |b|)} over code points, 1 for two empty strings (not {@code WRatio}, which
 *       mixes partial and token-sorted ratios);</li>
 *   <li>{@code bleu}: sacrebleu {@code sentence_bleu(input, [reference]).score / 100} with its defaults: the 13a
 *       tokenizer, case-sensitive, n-grams up to 4, {@code exp} smoothing, effective order;</li>
 *   <li>{@code gleu}: nltk {@code sentence_gleu([reference.split()], input.split())}, n-grams 1 to 4;</li>
 *   <li>{@code meteor}: nltk {@code meteor_score([reference.split()], input.split())} (lower-cased, α 0.9, β 3,
 *       γ 0.5) with its exact-match stage only: nltk's Porter-stem and WordNet-synonym stages are not run, so a
 *       pair whose words match only through a stem or synonym scores lower here than in nltk;</li>
 *   <li>{@code rouge_1}…{@code rouge_5}, {@code rouge_l}: rouge-score's {@code RougeScorer([...],
 *       use_stemmer=False).score(reference, input)[...].fmeasure} with its default tokenizer (lower-case, runs of
 *       {@code [a-z0-9]} only).</li>
 * </ul>
 * Every value is in [0, 1].
 */
public final class TextMetrics {
    private TextMetrics() {}

    public static double score(SimilarityMetric metric, String input, String reference) {
        return switch (metric) {
            case FUZZY_MATCH -> fuzzyRatio(input, reference);
            case BLEU -> sentenceBleu(input, reference);
            case GLEU -> sentenceGleu(input, reference);
            case METEOR -> meteorExact(input, reference);
            case ROUGE_1 -> rougeN(input, reference, 1);
            case ROUGE_2 -> rougeN(input, reference, 2);
            case ROUGE_3 -> rougeN(input, reference, 3);
            case ROUGE_4 -> rougeN(input, reference, 4);
            case ROUGE_5 -> rougeN(input, reference, 5);
            case ROUGE_L -> rougeL(input, reference);
            case COSINE -> throw new IllegalArgumentException("cosine needs an embedding model; the parser refuses it");
        };
    }

    // ---- fuzzy_match ------------------------------------------------------------------------------------------

    static double fuzzyRatio(String a, String b) {
        int[] x = a.codePoints().toArray();
        int[] y = b.codePoints().toArray();
        if (x.length + y.length == 0) return 1.0;
        return 2.0 * lcs(x, y) / (x.length + y.length);
    }

    /** Longest common subsequence length, O(|x|·|y|) time, O(|y|) memory. */
    private static int lcs(int[] x, int[] y) {
        int[] prev = new int[y.length + 1];
        int[] cur = new int[y.length + 1];
        for (int i = 1; i <= x.length; i++) {
            for (int j = 1; j <= y.length; j++) {
                cur[j] = x[i - 1] == y[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[y.length];
    }

    private static int lcs(List<String> x, List<String> y) {
        int[] prev = new int[y.size() + 1];
        int[] cur = new int[y.size() + 1];
        for (int i = 1; i <= x.size(); i++) {
            for (int j = 1; j <= y.size(); j++) {
                cur[j] = x.get(i - 1).equals(y.get(j - 1)) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[y.size()];
    }

    // ---- bleu (sacrebleu) --------------------------------------------------------------------------------------

    private static final Pattern[] TOKENIZE_13A = {
            Pattern.compile("([\\{-\\~\\[-\\` -\\&\\(-\\+\\:-\\@\\/])"),
            Pattern.compile("([^0-9])([\\.,])"),
            Pattern.compile("([\\.,])([^0-9])"),
            Pattern.compile("([0-9])(-)"),
    };
    private static final String[] REPLACE_13A = {" $1 ", "$1 $2 ", " $1 $2", "$1 $2 "};
    private static final Pattern WHITESPACE = Pattern.compile("(?U)\\s+");

    /** sacrebleu's {@code Tokenizer13a} (mteval-v13a): the language-independent part, then the regexes in order. */
    static List<String> tokenize13a(String line) {
        line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (line.contains("&")) {
            line = line.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        }
        line = " " + line + " ";
        for (int i = 0; i < TOKENIZE_13A.length; i++) line = TOKENIZE_13A[i].matcher(line).replaceAll(REPLACE_13A[i]);
        return split(line);
    }

    /** Python's {@code str.split()}: runs of whitespace separate, no empty tokens. */
    static List<String> split(String s) {
        String t = s.strip();
        return t.isEmpty() ? List.of() : List.of(WHITESPACE.split(t));
    }

    static double sentenceBleu(String hypothesis, String reference) {
        List<String> hyp = tokenize13a(hypothesis);
        List<String> ref = tokenize13a(reference);
        int maxOrder = 4;
        int[] correct = new int[maxOrder];
        int[] total = new int[maxOrder];
        for (int n = 1; n <= maxOrder; n++) {
            Map<List<String>, Integer> h = ngrams(hyp, n);
            Map<List<String>, Integer> r = ngrams(ref, n);
            for (var e : h.entrySet()) correct[n - 1] += Math.min(e.getValue(), r.getOrDefault(e.getKey(), 0));
            total[n - 1] = Math.max(0, hyp.size() - n + 1);
        }
        if (Arrays.stream(correct).allMatch(c -> c == 0)) return 0.0;
        double[] precisions = new double[maxOrder];
        double smooth = 1.0;
        int effectiveOrder = maxOrder;
        for (int n = 1; n <= maxOrder; n++) {
            if (total[n - 1] == 0) break;
            effectiveOrder = n;
            if (correct[n - 1] == 0) {
                smooth *= 2;
                precisions[n - 1] = 100.0 / (smooth * total[n - 1]);
            } else {
                precisions[n - 1] = 100.0 * correct[n - 1] / total[n - 1];
            }
        }
        double bp = hyp.size() < ref.size() ? (hyp.isEmpty() ? 0.0 : Math.exp(1.0 - (double) ref.size() / hyp.size())) : 1.0;
        double logSum = 0;
        for (int n = 0; n < effectiveOrder; n++) logSum += precisions[n] == 0 ? -9999999999.0 : Math.log(precisions[n]);
        return bp * Math.exp(logSum / effectiveOrder) / 100.0;
    }

    // ---- gleu (nltk) -------------------------------------------------------------------------------------------

    static double sentenceGleu(String hypothesis, String reference) {
        List<String> hyp = split(hypothesis);
        List<String> ref = split(reference);
        int tp = 0, tpfp = 0, tpfn = 0;
        for (int n = 1; n <= 4; n++) {
            Map<List<String>, Integer> h = ngrams(hyp, n);
            Map<List<String>, Integer> r = ngrams(ref, n);
            for (var e : h.entrySet()) {
                tpfp += e.getValue();
                tp += Math.min(e.getValue(), r.getOrDefault(e.getKey(), 0));
            }
            for (int c : r.values()) tpfn += c;
        }
        int all = Math.max(tpfp, tpfn);
        return all == 0 ? 0.0 : (double) tp / all;
    }

    // ---- meteor (nltk, exact stage) ----------------------------------------------------------------------------

    static double meteorExact(String hypothesis, String reference) {
        List<String> hyp = lower(split(hypothesis));
        List<String> ref = lower(split(reference));
        // nltk's _match_enums: hypothesis words from the last, each to the last unmatched equal reference word.
        List<int[]> hypLeft = new ArrayList<>();
        List<int[]> refLeft = new ArrayList<>();
        for (int i = 0; i < hyp.size(); i++) hypLeft.add(new int[]{i});
        for (int j = 0; j < ref.size(); j++) refLeft.add(new int[]{j});
        List<int[]> matches = new ArrayList<>();
        for (int i = hypLeft.size() - 1; i >= 0; i--) {
            for (int j = refLeft.size() - 1; j >= 0; j--) {
                if (hyp.get(hypLeft.get(i)[0]).equals(ref.get(refLeft.get(j)[0]))) {
                    matches.add(new int[]{hypLeft.get(i)[0], refLeft.get(j)[0]});
                    hypLeft.remove(i);
                    refLeft.remove(j);
                    break;
                }
            }
        }
        int m = matches.size();
        if (m == 0 || hyp.isEmpty() || ref.isEmpty()) return 0.0;
        matches.sort((a, b) -> Integer.compare(a[0], b[0]));
        int chunks = 1;
        for (int i = 0; i < m - 1; i++) {
            if (!(matches.get(i + 1)[0] == matches.get(i)[0] + 1 && matches.get(i + 1)[1] == matches.get(i)[1] + 1)) chunks++;
        }
        double precision = (double) m / hyp.size();
        double recall = (double) m / ref.size();
        double alpha = 0.9, beta = 3, gamma = 0.5;
        double fmean = precision * recall / (alpha * precision + (1 - alpha) * recall);
        double penalty = gamma * Math.pow((double) chunks / m, beta);
        return (1 - penalty) * fmean;
    }

    private static List<String> lower(List<String> words) {
        return words.stream().map(w -> w.toLowerCase(Locale.ROOT)).toList();
    }

    // ---- rouge (rouge-score) -----------------------------------------------------------------------------------

    private static final Pattern NON_ALNUM = Pattern.compile("[^a-z0-9]+");

    /** rouge-score's default tokenizer without stemming: lower-case, non-[a-z0-9] runs become spaces. */
    static List<String> rougeTokens(String text) {
        return split(NON_ALNUM.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" "));
    }

    static double rougeN(String prediction, String target, int n) {
        Map<List<String>, Integer> p = ngrams(rougeTokens(prediction), n);
        Map<List<String>, Integer> t = ngrams(rougeTokens(target), n);
        int overlap = 0;
        for (var e : p.entrySet()) overlap += Math.min(e.getValue(), t.getOrDefault(e.getKey(), 0));
        int pc = p.values().stream().mapToInt(Integer::intValue).sum();
        int tc = t.values().stream().mapToInt(Integer::intValue).sum();
        return fmeasure((double) overlap / Math.max(pc, 1), (double) overlap / Math.max(tc, 1));
    }

    static double rougeL(String prediction, String target) {
        List<String> p = rougeTokens(prediction);
        List<String> t = rougeTokens(target);
        if (p.isEmpty() || t.isEmpty()) return 0.0;
        int l = lcs(t, p);
        return fmeasure((double) l / p.size(), (double) l / t.size());
    }

    private static double fmeasure(double precision, double recall) {
        return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
    }

    private static Map<List<String>, Integer> ngrams(List<String> tokens, int n) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) counts.merge(tokens.subList(i, i + n), 1, Integer::sum);
        return counts;
    }
}
