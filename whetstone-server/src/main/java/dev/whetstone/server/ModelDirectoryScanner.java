package dev.whetstone.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.models.BaseModel;
import dev.whetstone.server.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds base models: each sub-folder of the models directory holding a Hugging Face checkpoint
 * (config.json, *.safetensors, tokenizer.json) is a model named by its folder; hidden folders (a leading '.') are
 * skipped. Scanned on each call, so a folder copied in while the service runs shows up without a restart.
 */
public final class ModelDirectoryScanner {
    private static final Logger LOG = LoggerFactory.getLogger(ModelDirectoryScanner.class);

    private ModelDirectoryScanner() {}

    static List<BaseModel> scan(Path modelsDir) {
        if (!Files.isDirectory(modelsDir)) return List.of();
        List<BaseModel> models = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(modelsDir)) {
            // hidden folders are staging copies (models add, demo models) until their rename into place
            for (Path dir : dirs.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(Path::toString)).toList()) {
                read(dir).ifPresent(models::add);
            }
        } catch (IOException e) {
            LOG.warn("cannot list models directory {}: {}", modelsDir, e.toString());
        }
        return models;
    }

    /** How the service describes the model folder {@code dir} (named by the folder); empty when it is not one. */
    public static java.util.Optional<BaseModel> read(Path dir) {
        Path config = dir.resolve("config.json");
        if (!missingFiles(dir).isEmpty()) return java.util.Optional.empty();
        try {
            JsonNode cfg = Json.MAPPER.readTree(config.toFile());
            String arch = cfg.path("architectures").path(0).asText("unknown");
            boolean chat = isChat(dir);
            long created = Files.getLastModifiedTime(config).toInstant().getEpochSecond();
            boolean vision = cfg.path("vision_config").isObject(); // a vision-language model's vision tower
            return java.util.Optional.of(new BaseModel(dir.getFileName().toString(), dir, arch, chat, created, vision));
        } catch (IOException | RuntimeException e) {
            LOG.warn("skipping model folder {}: {}", dir.getFileName(), e.toString());
            return java.util.Optional.empty();
        }
    }

    /**
     * Whether the model in {@code dir} trains on chat data: its tokenizer config has a chat template. Public so that
     * {@code whetstone prepare-data} decides a model's kind exactly as the service does.
     */
    public static boolean isChat(Path dir) throws IOException {
        Path tokConfig = dir.resolve("tokenizer_config.json");
        return Files.isRegularFile(tokConfig)
                && !Json.MAPPER.readTree(tokConfig.toFile()).path("chat_template").isMissingNode();
    }

    /** The files that keep {@code dir} from being listed as a model; empty when it is listed. */
    public static List<String> missingFiles(Path dir) {
        List<String> missing = new ArrayList<>();
        if (!Files.isRegularFile(dir.resolve("config.json"))) missing.add("config.json");
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) missing.add("tokenizer.json");
        if (!hasWeights(dir)) missing.add("weights (*.safetensors)");
        return missing;
    }

    private static boolean hasWeights(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".safetensors"));
        } catch (IOException e) {
            return false;
        }
    }
}
