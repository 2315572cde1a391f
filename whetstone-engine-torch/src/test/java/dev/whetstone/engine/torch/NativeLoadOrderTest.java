package dev.whetstone.engine.torch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.engine.torch.bench.TrainBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each public way into libtorch extracts all of its native libraries before loading the first, so that a machine
 * with a distribution's libtorch (Debian's python3-torch puts {@code libtorch_cpu.so} on the system path) never
 * hands {@code libtorch.so} that other version: with a cold cache JavaCPP extracts and loads one library at a time,
 * and {@code libtorch.so} came before {@code libtorch_cpu.so}, so the dynamic linker looked for its dependency on
 * the system path (a JVM crash in {@code registerFallback} on such machines). Each case starts a JVM with an empty
 * JavaCPP cache and reads JavaCPP's debug log: every library of the pytorch folder is extracted before the first is
 * loaded. The check needs no system libtorch: it fails on the order itself.
 */
class NativeLoadOrderTest {

    /** The entry points a command line or a server reaches libtorch through. */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[1]);
        switch (args[0]) {
            case "demo-model" -> TorchEngine.createDemoModel(out.resolve("model"), "tiny-chat");
            case "train-bench" -> TrainBench.run(out, 2, 1, List.of("tiny-chat"), List.of("lora"));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo-model", "train-bench"})
    void everyLibraryIsExtractedBeforeTheFirstIsLoaded(String entry, @TempDir Path dir) throws Exception {
        Path log = dir.resolve("javacpp.log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "--add-modules", "jdk.incubator.vector", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
                "-Dorg.bytedeco.javacpp.cachedir=" + dir.resolve("cache"), "-Dorg.bytedeco.javacpp.logger.debug=true",
                "-cp", System.getProperty("java.class.path"), NativeLoadOrderTest.class.getName(), entry,
                dir.resolve("out").toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("the child JVM finished").isTrue();
        List<String> lines = Files.readAllLines(log);
        assertThat(p.exitValue()).as("exit status; log:\n%s", tail(lines)).isZero();

        // JavaCPP logs "Extracting <jar>!/org/bytedeco/pytorch/<platform>/" for a whole folder, "…/libX.so" for one file
        String folder = "/org/bytedeco/pytorch/";
        int firstLoad = -1;
        int lastExtract = -1;
        List<String> extracted = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.contains(folder)) continue;
            if (line.startsWith("Debug: Extracting ")) {
                lastExtract = i;
                String name = line.substring(line.indexOf(folder) + folder.length());
                extracted.add(name.endsWith("/") ? "the whole folder" : name.substring(name.lastIndexOf('/') + 1));
            } else if (line.startsWith("Debug: Loading /") && firstLoad < 0) {
                firstLoad = i;
            }
        }
        assertThat(firstLoad).as("a pytorch library was loaded").isPositive();
        assertThat(lastExtract).as("the last extraction from the pytorch jar (line %d) comes before its first load"
                + " (line %d); extracted: %s", lastExtract + 1, firstLoad + 1, extracted).isBetween(0, firstLoad);
        if (!extracted.contains("the whole folder")) {
            assertThat(extracted).contains("libc10.so", "libtorch.so", "libtorch_cpu.so", "libjnitorch.so");
        }
    }

    private static String tail(List<String> lines) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
