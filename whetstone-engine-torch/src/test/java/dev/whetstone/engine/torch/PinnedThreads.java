package dev.whetstone.engine.torch;

import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Numerical tests run libtorch with {@link #THREADS} intra-op threads, whatever the machine's core count,
 * OMP_NUM_THREADS or the thread count an earlier test in the same JVM left behind (set_num_threads is global):
 * parallel reductions split their sums by thread, so the count decides the summation order. Training and serving
 * tests pin the same count through their options ({@code withThreads(THREADS)}). docs/testing.md.
 */
public final class PinnedThreads implements BeforeEachCallback {
    /** Two, so that the parallel code paths run even on a one-core machine. */
    public static final int THREADS = 2;

    @Override
    public void beforeEach(ExtensionContext context) throws java.io.IOException {
        TorchNatives.prepare();
        torch.set_num_threads(THREADS);
    }
}
