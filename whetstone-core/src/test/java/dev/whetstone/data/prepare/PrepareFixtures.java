package dev.whetstone.data.prepare;

import dev.whetstone.data.ExampleFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** Inputs for the prepare-data tests: JSONL written to a folder, read and mapped as the command does. */
final class PrepareFixtures {
    private PrepareFixtures() {}

    static Dataset dataset(Path dir, String jsonl) throws IOException, BadInputException {
        return dataset(dir, jsonl, null);
    }

    static Dataset dataset(Path dir, String jsonl, ExampleFormat format) throws IOException, BadInputException {
        Path file = Files.createTempFile(dir, "in", ".jsonl");
        Files.writeString(file, jsonl, StandardCharsets.UTF_8);
        return ExampleMapper.map(JsonlInput.read(file, InputLimits.DEFAULT), format, ColumnChoice.defaults(), null).dataset();
    }

    static String lines(int n, IntFunction<String> line) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) b.append(line.apply(i)).append('\n');
        return b.toString();
    }

    static String pair(String prompt, String completion) {
        return "{\"prompt\":" + quote(prompt) + ",\"completion\":" + quote(completion) + "}";
    }

    static String chat(String user, String assistant) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":" + quote(user) + "},{\"role\":\"assistant\",\"content\":"
                + quote(assistant) + "}]}";
    }

    static String quote(String s) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString();
    }

    /** Runs every analysis, accepting every fix (or none); returns the findings. */
    static List<Preparation.Decided> run(Dataset data, ModelTarget model, boolean accept) {
        return Preparation.run(data, new PrepareContext(model, null), f -> accept);
    }

    static List<Finding> findings(List<Preparation.Decided> decided, String check) {
        List<Finding> out = new ArrayList<>();
        for (Preparation.Decided d : decided) if (d.finding().check().equals(check)) out.add(d.finding());
        return out;
    }
}
