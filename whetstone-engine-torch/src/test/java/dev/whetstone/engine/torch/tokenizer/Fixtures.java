package dev.whetstone.engine.torch.tokenizer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The real tokenizers in {@code shared/fixtures/tokenizers} beside the checkout (found by walking up from the
 * working directory), loaded once per test JVM. Tests needing them are skipped, with a message, when absent.
 */
final class Fixtures {
    private static final Map<String, HfTokenizer> LOADED = new ConcurrentHashMap<>();

    static {
        // Extract the native library under target/, not into the home folder.
        TokenizerNatives.useCacheDir(Path.of("target", "native-cache"));
    }

    private Fixtures() {}

    static Optional<Path> tokenizersDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("fixtures").resolve("tokenizers");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The fixture folder {@code name} (llama3, qwen3); skips the calling test when the fixtures are absent. */
    static Path dir(String name) {
        Optional<Path> root = tokenizersDir();
        assumeTrue(root.isPresent() && Files.isRegularFile(root.get().resolve(name).resolve("tokenizer.json")),
                "shared/fixtures/tokenizers/" + name + " not found beside the checkout: real-tokenizer test skipped");
        return root.get().resolve(name);
    }

    static HfTokenizer tokenizer(String name) {
        Path dir = dir(name);
        return LOADED.computeIfAbsent(name, n -> {
            try {
                return HfTokenizer.load(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Makes sure the native cache setting runs before a test loads a tokenizer of its own. */
    static void init() {}
}
