package dev.whetstone.engine.torch;

import dev.whetstone.engine.torch.tokenizer.TokenizerNatives;
import java.nio.file.Path;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Runs once per test JVM, before any test class: natives are extracted under target/ (not the home folder), and
 * in the same place whichever test happens to load a tokenizer first.
 */
public final class TestNativeCaches implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        TokenizerNatives.useCacheDir(Path.of("target", "native-cache"));
    }
}
