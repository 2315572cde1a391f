package dev.whetstone.data.prepare;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Splits the examples into training and validation sets: a seeded shuffle, so a rerun gives the same files. */
public final class Split {
    public static final long SEED = 42;

    private Split() {}

    /** How many of {@code total} examples go to validation: at least one, leaving at least one for training. */
    static int validationCount(int total, Double share) {
        if (share == null || total < 2) return 0;
        return (int) Math.max(1, Math.min(total - 1, Math.round(total * share)));
    }

    /** @return training then validation drafts, each in input order */
    static List<List<Draft>> apply(List<Draft> drafts, Double share) {
        int validation = validationCount(drafts.size(), share);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < drafts.size(); i++) order.add(i);
        Collections.shuffle(order, new Random(SEED));
        List<Integer> held = new ArrayList<>(order.subList(0, validation));
        Collections.sort(held);
        List<Draft> training = new ArrayList<>();
        List<Draft> valid = new ArrayList<>();
        java.util.Set<Integer> heldSet = new java.util.HashSet<>(held);
        for (int i = 0; i < drafts.size(); i++) (heldSet.contains(i) ? valid : training).add(drafts.get(i));
        return List.of(training, valid);
    }
}
