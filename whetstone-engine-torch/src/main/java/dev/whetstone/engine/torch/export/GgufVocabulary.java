package dev.whetstone.engine.torch.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whetstone.engine.torch.model.UnsupportedModelException;
import dev.whetstone.engine.torch.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A Hugging Face byte-level BPE tokenizer as GGUF's {@code tokenizer.ggml.*} metadata, the way llama.cpp's
 * {@code convert_hf_to_gguf.py} writes it: model {@code gpt2}, every id's token string (ids without one become
 * {@code [PAD<id>]}, unused), token types (added special tokens are control tokens, other added tokens
 * user-defined), merges as {@code "left right"}, the pre-tokenizer's name, special ids and the chat template.
 */
final class GgufVocabulary {
    private static final int NORMAL = 1;
    private static final int CONTROL = 3;
    private static final int USER_DEFINED = 4;
    private static final int UNUSED = 5;

    /**
     * Split regexes of byte-level tokenizers whose pre-tokenizer llama.cpp knows by name (its {@code llama-vocab}
     * table); a plain ByteLevel pre-tokenizer with its built-in regex is GPT-2's.
     */
    private static final Map<String, String> KNOWN_SPLITS = Map.of(
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+", "llama-bpe",
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+", "qwen2");

    private GgufVocabulary() {}

    /** Adds the tokenizer of model folder {@code dir} to {@code gguf}; {@code vocabSize} is the model's rows. */
    static void write(Path dir, int vocabSize, GgufWriter gguf) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file + ": GGUF export needs the model's tokenizer.json");
        }
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").asText())) {
            throw new UnsupportedModelException(file + ": tokenizer model '" + model.path("type").asText()
                    + "' cannot be exported to GGUF here; only byte-level BPE tokenizers (GPT-2, Llama 3, Qwen2 style)");
        }
        String pre = preTokenizerName(root.path("pre_tokenizer"), file);

        int size = vocabSize;
        for (JsonNode id : (Iterable<JsonNode>) () -> model.path("vocab").elements()) size = Math.max(size, id.asInt() + 1);
        for (JsonNode a : root.path("added_tokens")) size = Math.max(size, a.path("id").asInt() + 1);
        String[] tokens = new String[size];
        int[] types = new int[size];
        model.path("vocab").fields().forEachRemaining(e -> {
            tokens[e.getValue().asInt()] = e.getKey();
            types[e.getValue().asInt()] = NORMAL;
        });
        for (JsonNode a : root.path("added_tokens")) {
            int id = a.path("id").asInt();
            tokens[id] = a.path("content").asText();
            types[id] = a.path("special").asBoolean(false) ? CONTROL : USER_DEFINED;
        }
        for (int i = 0; i < size; i++) {
            if (tokens[i] == null) {
                tokens[i] = "[PAD" + i + "]";
                types[i] = UNUSED;
            }
        }
        List<String> merges = new ArrayList<>();
        for (JsonNode m : model.path("merges")) {
            merges.add(m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText());
        }

        gguf.putString("tokenizer.ggml.model", "gpt2");
        gguf.putString("tokenizer.ggml.pre", pre);
        gguf.putStrings("tokenizer.ggml.tokens", Arrays.asList(tokens));
        gguf.putI32s("tokenizer.ggml.token_type", types);
        gguf.putStrings("tokenizer.ggml.merges", merges);
        try (HfTokenizer tokenizer = HfTokenizer.load(dir)) {
            putId(gguf, "tokenizer.ggml.bos_token_id", tokenizer.bosId());
            putId(gguf, "tokenizer.ggml.eos_token_id", tokenizer.eosId());
            putId(gguf, "tokenizer.ggml.padding_token_id", tokenizer.padId());
            gguf.putBool("tokenizer.ggml.add_bos_token", tokenizer.addsBos());
            gguf.putBool("tokenizer.ggml.add_eos_token", false);
            tokenizer.config().chatTemplate().ifPresent(t -> gguf.putString("tokenizer.chat_template", t));
        }
    }

    private static void putId(GgufWriter gguf, String key, OptionalInt id) {
        if (id.isPresent()) gguf.putU32(key, id.getAsInt());
    }

    /** llama.cpp picks its pre-tokenizer regexes by this name; an unknown one would tokenize differently. */
    static String preTokenizerName(JsonNode pre, Path file) {
        if ("ByteLevel".equals(pre.path("type").asText()) && pre.path("use_regex").asBoolean(true)
                && !pre.path("add_prefix_space").asBoolean(false)) {
            return "gpt-2";
        }
        if ("Sequence".equals(pre.path("type").asText())) {
            JsonNode steps = pre.path("pretokenizers");
            if (steps.size() == 2 && "Split".equals(steps.get(0).path("type").asText())
                    && "ByteLevel".equals(steps.get(1).path("type").asText())
                    && !steps.get(1).path("use_regex").asBoolean(true)) {
                String name = KNOWN_SPLITS.get(steps.get(0).path("pattern").path("Regex").asText());
                if (name != null) return name;
            }
        }
        throw new UnsupportedModelException(file + ": its pre_tokenizer is not one llama.cpp knows by name"
                + " (GPT-2's ByteLevel, Llama 3's or Qwen2's split); a GGUF file would tokenize text differently");
    }
}
