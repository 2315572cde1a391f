package dev.whetstone.engine.torch.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code tokenizer_config.json} (and {@code chat_template.jinja}) say about a tokenizer.
 *
 * @param bosToken       beginning-of-sequence token text, null when the model has none (Qwen)
 * @param eosToken       end-of-sequence token text; for chat models the end-of-turn token ({@code <|im_end|>})
 * @param padToken       padding token text, null when absent
 * @param addBosToken    the explicit {@code add_bos_token} setting, null when the file does not say
 * @param chatTemplates  chat templates by name; a single template is named {@code default}
 */
public record TokenizerConfig(String bosToken, String eosToken, String padToken, Boolean addBosToken,
                              Map<String, String> chatTemplates) {
    static final String DEFAULT_TEMPLATE = "default";

    public TokenizerConfig {
        chatTemplates = Map.copyOf(chatTemplates);
    }

    /** No configuration file: no special tokens, no template. */
    public static TokenizerConfig empty() {
        return new TokenizerConfig(null, null, null, null, Map.of());
    }

    /** The template {@code apply_chat_template} would use: the one named {@code default}. */
    public Optional<String> chatTemplate() {
        return Optional.ofNullable(chatTemplates.get(DEFAULT_TEMPLATE));
    }

    /**
     * Reads {@code tokenizer_config.json} from {@code dir} (absent: {@link #empty()}); a {@code chat_template.jinja}
     * beside it replaces the default template, as in transformers, which saves templates there since 4.43.
     */
    public static TokenizerConfig read(Path dir) throws IOException {
        Path file = dir.resolve("tokenizer_config.json");
        TokenizerConfig config = Files.exists(file) ? parse(new ObjectMapper().readTree(file.toFile()), file)
                : empty();
        Path jinja = dir.resolve("chat_template.jinja");
        if (Files.exists(jinja)) {
            Map<String, String> templates = new LinkedHashMap<>(config.chatTemplates);
            templates.put(DEFAULT_TEMPLATE, Files.readString(jinja));
            config = new TokenizerConfig(config.bosToken, config.eosToken, config.padToken, config.addBosToken,
                    templates);
        }
        return config;
    }

    static TokenizerConfig parse(JsonNode root, Path file) throws IOException {
        if (!root.isObject()) {
            throw new IOException(file + ": expected a JSON object; give the tokenizer_config.json of the model");
        }
        JsonNode addBos = root.get("add_bos_token");
        return new TokenizerConfig(token(root.get("bos_token")), token(root.get("eos_token")),
                token(root.get("pad_token")), addBos == null || addBos.isNull() ? null : addBos.asBoolean(),
                templates(root.get("chat_template"), file));
    }

    /** A special token is written either as a string or as an AddedToken object {@code {"content": ...}}. */
    private static String token(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return node.isObject() ? node.path("content").asText(null) : node.asText();
    }

    /** {@code chat_template} is a string, or a list of {@code {"name": ..., "template": ...}}. */
    private static Map<String, String> templates(JsonNode node, Path file) throws IOException {
        Map<String, String> templates = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return templates;
        }
        if (node.isTextual()) {
            templates.put(DEFAULT_TEMPLATE, node.asText());
            return templates;
        }
        if (!node.isArray()) {
            throw new IOException(file + ": chat_template must be a string or a list of {name, template}");
        }
        for (JsonNode entry : node) {
            templates.put(entry.path("name").asText(DEFAULT_TEMPLATE), entry.path("template").asText());
        }
        return templates;
    }
}
