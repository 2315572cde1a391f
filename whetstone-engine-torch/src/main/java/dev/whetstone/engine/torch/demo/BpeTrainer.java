package dev.whetstone.engine.torch.demo;

import dev.whetstone.engine.torch.tokenizer.ByteLevel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small byte-level BPE trainer: starting from single bytes, repeatedly merges the most frequent adjacent pair
 * inside the pre-tokenized words. Deterministic: ties go to the pair whose text sorts first. Recounts all pairs
 * every round, which is fine for the few kilobytes of the built-in corpus (cost: merges × distinct words).
 */
final class BpeTrainer {
    /** A learned merge, in the order learned (its rank). */
    record Merge(String left, String right) {
        String merged() {
            return left + right;
        }
    }

    private BpeTrainer() {}

    /**
     * @param text      training text
     * @param maxMerges stop after this many merges (or earlier, when no pair occurs twice)
     */
    static List<Merge> train(String text, int maxMerges) {
        Map<String, Integer> wordCounts = new TreeMap<>(); // sorted: same order, same ties, every run
        for (String word : ByteLevel.preTokenize(text)) {
            wordCounts.merge(word, 1, Integer::sum);
        }
        List<List<String>> words = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        wordCounts.forEach((word, count) -> {
            List<String> symbols = new ArrayList<>();
            word.chars().forEach(c -> symbols.add(String.valueOf((char) c)));
            words.add(symbols);
            counts.add(count);
        });
        List<Merge> merges = new ArrayList<>();
        while (merges.size() < maxMerges) {
            Merge best = mostFrequentPair(words, counts);
            if (best == null) {
                break;
            }
            merges.add(best);
            words.forEach(symbols -> apply(best, symbols));
        }
        return merges;
    }

    private static Merge mostFrequentPair(List<List<String>> words, List<Integer> counts) {
        Map<Merge, Integer> pairs = new HashMap<>();
        for (int w = 0; w < words.size(); w++) {
            List<String> symbols = words.get(w);
            for (int i = 0; i + 1 < symbols.size(); i++) {
                pairs.merge(new Merge(symbols.get(i), symbols.get(i + 1)), counts.get(w), Integer::sum);
            }
        }
        Merge best = null;
        int bestCount = 1; // a pair seen once is not worth a token
        for (Map.Entry<Merge, Integer> e : pairs.entrySet()) {
            int count = e.getValue();
            if (count > bestCount || (count == bestCount && best != null && sortsFirst(e.getKey(), best))) {
                best = e.getKey();
                bestCount = count;
            }
        }
        return best;
    }

    private static boolean sortsFirst(Merge a, Merge b) {
        int left = a.left().compareTo(b.left());
        return left != 0 ? left < 0 : a.right().compareTo(b.right()) < 0;
    }

    /** Replaces each occurrence of the pair, left to right, as the BPE model will when encoding. */
    private static void apply(Merge merge, List<String> symbols) {
        for (int i = 0; i + 1 < symbols.size(); i++) {
            if (symbols.get(i).equals(merge.left()) && symbols.get(i + 1).equals(merge.right())) {
                symbols.set(i, merge.merged());
                symbols.remove(i + 1);
            }
        }
    }
}
