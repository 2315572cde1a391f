package dev.whetstone.server.ops;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The Whetstone version this process runs: the build writes it into {@code whetstone-version.properties}. */
public final class ProcessVersion {
    private static final String VERSION = read();

    private ProcessVersion() {}

    public static String current() { return VERSION; }

    private static String read() {
        try (InputStream in = ProcessVersion.class.getResourceAsStream("/whetstone-version.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v; // an unfiltered copy (an IDE build) does not know it
        } catch (IOException e) {
            return "unknown";
        }
    }
}
