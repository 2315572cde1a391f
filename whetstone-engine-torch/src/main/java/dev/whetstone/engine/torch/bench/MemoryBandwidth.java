package dev.whetstone.engine.torch.bench;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * This machine's memory read rate in GB/s, as decoding sees it: the best of several sums over a 512 MiB fp32 tensor
 * (far larger than the caches), with the threads libtorch is set to.
 */
final class MemoryBandwidth {
    private MemoryBandwidth() {}

    static double readGbPerS(int rounds) {
        try (PointerScope scope = new PointerScope()) {
            Tensor big = torch.ones(128L << 20);
            big.sum();
            double best = 0;
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                try (PointerScope p = new PointerScope()) {
                    big.sum().item_float();
                }
                best = Math.max(best, big.nbytes() / ((System.nanoTime() - t0) / 1e9) / 1e9);
            }
            return best;
        }
    }
}
