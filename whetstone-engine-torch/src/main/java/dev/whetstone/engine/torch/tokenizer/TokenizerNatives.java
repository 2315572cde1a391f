package dev.whetstone.engine.torch.tokenizer;

import java.nio.file.Path;

/**
 * Where the Rust tokenizers library (inside the DJL jar) is extracted, and the switches that keep it offline.
 *
 * <p>DJL reads these only from system properties or environment variables, once, when its native library is first
 * loaded; so this is the one global setting of the tokenizer layer. Call {@link #useCacheDir} at start-up, before
 * the first {@link HfTokenizer#load}; without it the library goes to DJL's default ({@code ~/.djl.ai}) unless
 * {@code ENGINE_CACHE_DIR} is set. An {@code ENGINE_CACHE_DIR} environment variable wins over this setting, because
 * DJL reads the environment first.
 */
public final class TokenizerNatives {
    /** DJL's name for the folder it extracts engines into; the tokenizers library lands in {@code <dir>/tokenizers}. */
    static final String CACHE_DIR_PROPERTY = "ENGINE_CACHE_DIR";

    private static Path configured;
    private static boolean loaded;

    private TokenizerNatives() {}

    /**
     * Extract the native tokenizer library into {@code dir} (for example the data folder), so nothing is written
     * elsewhere and nothing is downloaded.
     *
     * @throws IllegalStateException when a tokenizer was already loaded with another folder
     */
    public static synchronized void useCacheDir(Path dir) {
        Path wanted = dir.toAbsolutePath().normalize();
        if (loaded && !wanted.equals(configured)) {
            throw new IllegalStateException("TokenizerNatives.useCacheDir(" + wanted + "): the tokenizer library"
                    + " was already loaded from " + describe(configured) + "; call useCacheDir before the first"
                    + " HfTokenizer.load");
        }
        configured = wanted;
        System.setProperty(CACHE_DIR_PROPERTY, wanted.toString());
    }

    /** Called before every load: offline mode, no telemetry, the CPU build that ships in the jar. */
    static synchronized void beforeLoad() {
        // Offline mode stops DJL from calling home (EC2 telemetry) and from looking for a CUDA build to download.
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        setIfAbsent("RUST_FLAVOR", "cpu");
        loaded = true;
    }

    private static void setIfAbsent(String name, String value) {
        if (System.getenv(name) == null && System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    private static String describe(Path dir) {
        return dir == null ? "DJL's default folder" : dir.toString();
    }
}
