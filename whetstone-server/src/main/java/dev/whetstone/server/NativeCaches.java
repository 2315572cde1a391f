package dev.whetstone.server;

import dev.whetstone.engine.torch.TorchNatives;
import dev.whetstone.engine.torch.tokenizer.TokenizerNatives;
import java.nio.file.Path;

/**
 * Native libraries come inside Maven jars and are extracted on first use. Both extraction caches go into the data
 * folder, so nothing is fetched at run time, the service works offline, and removing the folder removes them.
 */
final class NativeCaches {
    private NativeCaches() {}

    /** Must run before the first libtorch or tokenizer class loads its library. */
    static void pointInto(Path cacheDir) throws java.io.IOException {
        if (System.getProperty("org.bytedeco.javacpp.cachedir") == null) {
            System.setProperty("org.bytedeco.javacpp.cachedir", cacheDir.resolve("javacpp").toAbsolutePath().toString());
        }
        TorchNatives.prepare();
        try {
            TokenizerNatives.useCacheDir(cacheDir.resolve("tokenizers"));
        } catch (IllegalStateException alreadyLoaded) {
            // A second server in the same JVM (tests): the library is loaded already, from the first one's cache.
        }
    }
}
