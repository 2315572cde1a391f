package dev.whetstone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whetstone.Folders;
import dev.whetstone.data.prepare.BadInputException;
import dev.whetstone.data.prepare.ModelTarget;
import dev.whetstone.engine.torch.TorchEngine;
import dev.whetstone.server.ModelDirectoryScanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model {@code --model} names, opened for prepare-data: a model folder, or a folder of that name in the models
 * directory (the demo models are made in a temporary folder when the directory lacks them). Tokens are counted with
 * the model's tokenizer and chat template exactly as the trainer encodes examples; chat or not is decided by the
 * service's own model scanner.
 */
final class PrepareModel implements AutoCloseable {
    private final TorchEngine.ModelTokenCounter tokenizer;
    private final ModelTarget target;
    private final Path temporary;

    private PrepareModel(TorchEngine.ModelTokenCounter tokenizer, ModelTarget target, Path temporary) {
        this.tokenizer = tokenizer;
        this.target = target;
        this.temporary = temporary;
    }

    ModelTarget target() { return target; }

    static PrepareModel open(String model, Path modelsDir) throws IOException, BadInputException {
        Path dir = Path.of(model);
        if (!Files.isDirectory(dir)) dir = modelsDir.resolve(model);
        if (Files.isDirectory(dir)) return open(dir, null);
        if (!TorchEngine.demoModels().contains(model)) {
            throw new BadInputException("model '" + model + "' not found: it is not a folder, and " + modelsDir
                    + " has no folder of that name; pass a Hugging Face model folder or set --models-dir.");
        }
        Path temporary = Files.createTempDirectory("whetstone-" + model);
        try {
            TorchEngine.createDemoModel(temporary.resolve(model), model);
            return open(temporary.resolve(model), temporary);
        } catch (IOException | BadInputException | RuntimeException e) {
            Folders.deleteTree(temporary);
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
        TorchEngine.ModelTokenCounter counter = TorchEngine.tokenCounter(dir);
        return new PrepareModel(counter, new ModelTarget(dir.getFileName().toString(), chat, context, counter), temporary);
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
        if (temporary != null) Folders.deleteTree(temporary);
    }

}
