package dev.whetstone.engine.torch.train;

import java.util.SplittableRandom;

/** The example order of each epoch: a Fisher–Yates shuffle seeded by (seed, epoch), so a resumed run sees it again. */
final class EpochOrder {
    private EpochOrder() {}

    static int[] permutation(int n, long seed, int epoch) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch + 1);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }
}
