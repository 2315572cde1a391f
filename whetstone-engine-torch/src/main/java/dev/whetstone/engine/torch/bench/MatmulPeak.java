package dev.whetstone.engine.torch.bench;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Measures this machine's GEMM rate in GFLOP/s: the best over rounds and over the shapes a 135M-class model's
 * training uses (1 024 tokens × 576 hidden × 1 536 MLP, both ways) and a square 1 024³ product.
 */
final class MatmulPeak {
    private MatmulPeak() {}

    private static final long[][] SHAPES = {{1024, 1024, 1024}, {1024, 576, 1536}, {1024, 1536, 576}};

    static double gflops(ScalarType type, int rounds, int repsPerRound) {
        double best = 0;
        for (long[] s : SHAPES) {
            try (PointerScope scope = new PointerScope()) {
                Tensor a = torch.randn(s[0], s[1]).to(type);
                Tensor b = torch.randn(s[1], s[2]).to(type);
                a.mm(b);
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < repsPerRound; i++) {
                        try (PointerScope p = new PointerScope()) {
                            a.mm(b);
                        }
                    }
                    double sec = (System.nanoTime() - t0) / 1e9;
                    best = Math.max(best, 2.0 * s[0] * s[1] * s[2] * repsPerRound / sec / 1e9);
                }
            }
        }
        return best;
    }
}
