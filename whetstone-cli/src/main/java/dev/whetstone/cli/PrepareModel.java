package dev.whetstone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whetstone.data.TrainingExample;
import dev.whetstone.data.prepare.BadInputException;
import dev.whetstone.data.prepare.ModelTarget;
import dev.whetstone.data.prepare.TokenCounter;
import dev.whetstone.engine.torch.TinyModels;
import dev.whetstone.engine.torch.tokenizer.ChatTemplateException;
import dev.whetstone.engine.torch.tokenizer.ExampleTokenizer;
import dev.whetstone.engine.torch.tokenizer.HfTokenizer;
import dev.whetstone.server.ModelDirectoryScanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The model {@code --model} names, opened for prepare-data: a model folder, or a folder of that name in the models
 * directory (the demo models are made in a temporary folder when the directory lacks them). Tokens are counted with
 * the model's tokenizer and chat template exactly as the trainer encodes examples; chat or not is decided by the
 * service's own model scanner.
 */
final class PrepareModel implements AutoCloseable {
    private final HfTokenizer tokenizer;
    private final ModelTarget target;
    private final Path temporary;

    private PrepareModel(HfTokenizer tokenizer, ModelTarget target, Path temporary) {
        this.tokenizer = tokenizer;
        this.target = target;
        this.temporary = temporary;
    }

    ModelTarget target() { return target; }

    static PrepareModel open(String model, Path modelsDir) throws IOException, BadInputException {
        Path dir = Path.of(model);
        if (!Files.isDirectory(dir)) dir = modelsDir.resolve(model);
        if (Files.isDirectory(dir)) return open(dir, null);
        TinyModels.Kind demo = Arrays.stream(TinyModels.Kind.values()).filter(k -> k.folderName.equals(model)).findFirst().orElse(null);
        if (demo == null) {
            throw new BadInputException("model '" + model + "' not found: it is not a folder, and " + modelsDir
                    + " has no folder of that name; pass a Hugging Face model folder or set --models-dir.");
        }
        Path temporary = Files.createTempDirectory("whetstone-" + model);
        try {
            TinyModels.create(temporary.resolve(model), demo);
            return open(temporary.resolve(model), temporary);
        } catch (IOException | BadInputException | RuntimeException e) {
            deleteTree(temporary);
            throw e;
        }
    }

    private static PrepareModel open(Path dir, Path temporary) throws IOException, BadInputException {
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            throw new BadInputException("model folder " + dir + " has no tokenizer.json; prepare-data counts tokens"
                    + " with the model's own tokenizer.");
        }
        boolean chat = ModelDirectoryScanner.isChat(dir);
        int context = Math.min(ModelTarget.DEFAULT_CONTEXT, positions(dir));
        HfTokenizer tokenizer = HfTokenizer.load(dir);
        ExampleTokenizer examples = new ExampleTokenizer(tokenizer, Integer.MAX_VALUE);
        TokenCounter counter = new TokenCounter() {
            @Override
            public long count(TrainingExample example) {
                try {
                    return examples.tokenize(example).length();
                } catch (ChatTemplateException e) {
                    throw new RefusedException(e.getMessage());
                }
            }

            @Override
            public boolean exact() { return true; }
        };
        return new PrepareModel(tokenizer, new ModelTarget(dir.getFileName().toString(), chat, context, counter), temporary);
    }

    /** The model's longest sequence, from config.json (Llama/Qwen: max_position_embeddings, GPT-2: n_positions). */
    private static int positions(Path dir) throws IOException {
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(config)) return ModelTarget.DEFAULT_CONTEXT;
        JsonNode c = new ObjectMapper().readTree(config.toFile());
        if (c.hasNonNull("max_position_embeddings")) return c.get("max_position_embeddings").asInt();
        return c.path("n_positions").asInt(ModelTarget.DEFAULT_CONTEXT);
    }

    @Override
    public void close() throws IOException {
        tokenizer.close();
        if (temporary != null) deleteTree(temporary);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
