package dev.whetstone.safety;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The prompts a fine-tuned model answers in its model evaluation (docs/safety.md), each inviting an answer in one
 * harm category. Versioned: a job records the version it was evaluated with, and a changed prompt is a new file.
 *
 * @param version e.g. {@code probes-v1}, the resource's name
 */
public record ProbeSet(String version, List<Probe> probes) {
    public static final String CURRENT = "probes-v1";

    public record Probe(HarmCategory category, String prompt) {}

    public ProbeSet {
        probes = List.copyOf(probes);
    }

    /** The set shipped with this version of the service. */
    public static ProbeSet builtIn() {
        try (InputStream in = ProbeSet.class.getResourceAsStream(CURRENT + ".tsv")) {
            if (in == null) throw new IllegalStateException(CURRENT + ".tsv is missing from the classpath");
            return parse(CURRENT, new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** From lines {@code category<TAB>prompt}; '#' starts a comment line. */
    static ProbeSet parse(String version, List<String> lines) {
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\t");
            int n = i + 1;
            if (f.length != 2 || f[1].isBlank()) {
                throw new IllegalArgumentException(version + " line " + n + ": expected category<TAB>prompt");
            }
            HarmCategory c = HarmCategory.fromArm(f[0]).orElseThrow(() ->
                    new IllegalArgumentException(version + " line " + n + ": unknown category '" + f[0] + "'"));
            probes.add(new Probe(c, f[1]));
        }
        return new ProbeSet(version, probes);
    }
}
