package dev.whetstone.engine.torch.infer;

import dev.whetstone.engine.torch.demo.TinyTokenizerFactory;
import dev.whetstone.engine.torch.tokenizer.HfTokenizer;
import dev.whetstone.engine.torch.tokenizer.TokenizerNatives;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * What JSON mode and structured outputs add per generated token (docs/BENCHMARKS.md, "JSON mode", "Structured
 * outputs"): the mask over the whole vocabulary, from three states each (object open, inside a string, after a
 * value), for the tiny demo vocabulary and for Qwen3's 151 k tokens (the fixture tokenizer). Not part of the default run (the name does not end in Test): run it with
 * {@code ./mvnw -pl whetstone-engine-torch -am verify -Dtest=JsonModeBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class JsonModeBenchmark {
    @Test
    void maskCostPerToken() throws Exception {
        TokenizerNatives.useCacheDir(Path.of("target", "native-cache"));
        Path tiny = TinyTokenizerFactory.write(Files.createTempDirectory("tiny-tok"), TinyTokenizerFactory.Flavor.CHAT);
        measure("tiny-chat", tiny);
        Path qwen = null;
        for (Path d = Path.of("").toAbsolutePath(); d != null && qwen == null; d = d.getParent()) {
            Path c = d.resolve("shared/fixtures/tokenizers/qwen3");
            if (Files.isDirectory(c)) qwen = c;
        }
        if (qwen != null) measure("qwen3", qwen);
    }

    private static void measure(String name, Path dir) throws Exception {
        try (HfTokenizer tokenizer = HfTokenizer.load(dir)) {
            int size = tokenizer.vocabSize();
            TokenBytes bytes = TokenBytes.of(tokenizer, size);
            // Structured outputs: the schema of SchemaAutomatonTest (every keyword of the subset), same three kinds of state.
            var schema = SchemaAutomatonTest.compile(SchemaAutomatonTest.SCHEMA);
            for (String prefix : new String[] {"{", "{\"name\": \"some text", "{\"name\": \"\", \"age\": 12"}) {
                JsonConstraint<SchemaAutomaton> c = JsonConstraint.schema(bytes, Set.of(tokenizer.eosId().orElse(0)), schema);
                SchemaAutomaton start = new SchemaAutomaton(schema);
                if (!start.accept(prefix.getBytes(StandardCharsets.UTF_8))) throw new IllegalStateException(prefix);
                time("Structured outputs mask", name, size, prefix, () -> c.from(start));
            }
            for (String prefix : new String[] {"{", "{\"key\": \"some text", "{\"a\": [1, 2"}) {
                JsonConstraint<JsonAutomaton> c = JsonConstraint.object(bytes, Set.of(tokenizer.eosId().orElse(0)));
                JsonAutomaton start = new JsonAutomaton();
                start.accept(prefix.getBytes(StandardCharsets.UTF_8));
                time("JSON mode mask", name, size, prefix, () -> c.from(start));
            }
        }
    }

    private static void time(String what, String name, int size, String prefix, Supplier<JsonConstraint<?>> fresh) {
        long[] nanos = new long[300];
        float[] logits = new float[size];
        for (int round = 0; round < 400; round++) {
            Arrays.fill(logits, 0f);
            JsonConstraint<?> c = fresh.get();
            long t = System.nanoTime();
            c.mask(logits);
            if (round >= 100) nanos[round - 100] = System.nanoTime() - t;
        }
        Arrays.sort(nanos);
        long allowed = 0;
        for (float l : logits) if (l == 0f) allowed++;
        System.out.printf("%s, %s (%d tokens), after '%s': median %.3f ms, p90 %.3f ms, %d allowed%n",
                what, name, size, prefix, nanos[150] / 1e6, nanos[270] / 1e6, allowed);
    }
}
