package dev.whetstone.engine.torch.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process and of the machine, from /proc (0 where unavailable). */
public final class ProcessMemory {
    private ProcessMemory() {}

    /** Current resident set size. */
    public static long rssBytes() { return statusKb("VmRSS:") * 1024; }

    /** Peak resident set size since the process started. */
    public static long peakRssBytes() { return statusKb("VmHWM:") * 1024; }

    public static long totalPhysicalBytes() {
        long kb = field(Path.of("/proc/meminfo"), "MemTotal:");
        return kb > 0 ? kb * 1024 : Runtime.getRuntime().maxMemory();
    }

    private static long statusKb(String key) { return field(Path.of("/proc/self/status"), key); }

    private static long field(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
