package dev.whetstone.engine.torch;

import java.io.IOException;
import org.bytedeco.javacpp.Loader;

/**
 * Extracts all of libtorch's native libraries into JavaCPP's cache before the first one is loaded.
 *
 * <p>Why: with a cold cache, JavaCPP extracts and loads libraries one by one. When {@code libtorch.so} is loaded
 * before {@code libtorch_cpu.so} sits beside it, the dynamic linker looks for its dependency on the system path —
 * and a machine with a distribution's libtorch (e.g. Debian's python3-torch) hands it that other version, which
 * crashes the JVM. Extracting the whole folder first keeps every dependency next to its dependent.
 */
public final class TorchNatives {
    private static boolean prepared;

    private TorchNatives() {}

    /** Idempotent; call before anything touches a libtorch class. */
    public static synchronized void prepare() throws IOException {
        if (prepared) return;
        String platform = Loader.getPlatform();
        Loader.cacheResources("/org/bytedeco/openblas/" + platform + "/");
        Loader.cacheResources("/org/bytedeco/pytorch/" + platform + "/");
        prepared = true;
    }
}
