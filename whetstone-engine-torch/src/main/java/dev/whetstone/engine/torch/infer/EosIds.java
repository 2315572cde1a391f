package dev.whetstone.engine.torch.infer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whetstone.engine.torch.model.ModelConfig;
import dev.whetstone.engine.torch.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** The ids generation stops on; serving and reinforcement training's sampling share them. */
public final class EosIds {
    private EosIds() {}

    /** End-of-sequence ids: config.json's, generation_config.json's (when present) and the tokenizer's EOS. */
    public static Set<Integer> of(Path dir, ModelConfig c, HfTokenizer tokenizer) throws IOException {
        Set<Integer> ids = new HashSet<>(c.eosTokenIds());
        Path gen = dir.resolve("generation_config.json");
        if (Files.isRegularFile(gen)) {
            JsonNode eos = new ObjectMapper().readTree(gen.toFile()).path("eos_token_id");
            if (eos.isInt()) ids.add(eos.asInt());
            else if (eos.isArray()) eos.forEach(e -> ids.add(e.asInt()));
        }
        tokenizer.eosId().ifPresent(ids::add);
        return Set.copyOf(ids);
    }
}
