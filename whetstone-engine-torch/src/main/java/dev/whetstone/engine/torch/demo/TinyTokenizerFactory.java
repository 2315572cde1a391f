package dev.whetstone.engine.torch.demo;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The tokenizer of the built-in tiny demo models, written by our own code: byte-level BPE (256 byte tokens, merges
 * learned by {@link BpeTrainer} from a small built-in English support-chat corpus) plus five special tokens, saved
 * as a Hugging Face {@code tokenizer.json} + {@code tokenizer_config.json} that {@link HfTokenizer} (and
 * transformers) load. Any UTF-8 text round-trips. The output is the same bytes on every run.
 */
public final class TinyTokenizerFactory {
    public static final String BEGIN_OF_TEXT = "<|begin_of_text|>";
    public static final String END_OF_TEXT = "<|end_of_text|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";
    public static final String PAD = "<|pad|>";
    public static final List<String> SPECIAL_TOKENS = List.of(BEGIN_OF_TEXT, END_OF_TEXT, IM_START, IM_END, PAD);

    /**
     * The vision flavor's extra special tokens, after the others (Idefics3's names): the image token, the marker
     * around each frame, the global view's tag and the tile positions of up to 2 × 2 tiles (tiny-vision's
     * longest edge 64 over 32-pixel tiles).
     */
    public static final List<String> VISION_TOKENS = List.of("<image>", "<fake_token_around_image>", "<global-img>",
            "<row_1_col_1>", "<row_1_col_2>", "<row_2_col_1>", "<row_2_col_2>");

    /** Target size: 256 bytes + merges + 5 special tokens. */
    static final int VOCAB_SIZE = 768;

    /**
     * ChatML, the same markup as Qwen's and SmolLM's templates, with function calling in the Hermes/Qwen form:
     * when {@code tools} are given they are listed as JSON in a system turn (the conversation's own system
     * message first), an assistant's calls are written {@code <tool_call>\n{"name": …, "arguments": {…}}\n</tool_call>}
     * after its text, and a {@code tool} message is a user turn {@code <tool_response>\n…\n</tool_response>}.
     * Without tools, calls or tool messages it renders exactly as plain ChatML.
     */
    static final String CHATML_TEMPLATE = "{%- if tools %}{{- '<|im_start|>system\\n' }}"
            + "{%- if messages[0]['role'] == 'system' %}{{- messages[0]['content'] + '\\n\\n' }}{%- endif %}"
            + "{{- '# Tools\\n<tools>' }}{%- for tool in tools %}{{- '\\n' + (tool | tojson) }}{%- endfor %}"
            + "{{- '\\n</tools>\\nTo call a function, write <tool_call>\\n{\"name\": <name>, \"arguments\": <object>}"
            + "\\n</tool_call><|im_end|>\\n' }}{%- endif %}"
            + "{%- for message in messages %}"
            + "{%- if tools and loop.first and message['role'] == 'system' %}"
            + "{%- elif message['role'] == 'assistant' and message['tool_calls'] %}"
            + "{{- '<|im_start|>assistant\\n' + message['content'] }}"
            + "{%- for call in message['tool_calls'] %}"
            + "{%- if message['content'] or not loop.first %}{{- '\\n' }}{%- endif %}"
            + "{{- '<tool_call>\\n{\"name\": \"' + call['function']['name'] + '\", \"arguments\": '"
            + " + (call['function']['arguments'] | tojson) + '}\\n</tool_call>' }}"
            + "{%- endfor %}{{- '<|im_end|>\\n' }}"
            + "{%- elif message['role'] == 'tool' %}"
            + "{{- '<|im_start|>user\\n<tool_response>\\n' + message['content'] + '\\n</tool_response><|im_end|>\\n' }}"
            + "{%- else %}"
            + "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
            + "{%- endif %}"
            + "{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

    /** ChatML over content parts, an image part written as {@code <image>} (the processor expands it). */
    static final String VISION_TEMPLATE = "{% for message in messages %}"
            + "{{ '<|im_start|>' + message['role'] + '\\n' }}"
            + "{% for part in message['content'] %}{% if part['type'] == 'image' %}{{ '<image>' }}"
            + "{% else %}{{ part['text'] }}{% endif %}{% endfor %}{{ '<|im_end|>' + '\\n' }}"
            + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the tiny model is for, which decides its end-of-sequence token and chat template. */
    public enum Flavor {
        /** ChatML chat template, EOS {@code <|im_end|>}, no BOS added. */
        CHAT,
        /** No chat template (chat data uses the fallback format), BOS added, EOS {@code <|end_of_text|>}. */
        COMPLETION,
        /** {@link #CHAT} plus {@link #VISION_TOKENS} and a template that writes image parts as {@code <image>}. */
        VISION
    }

    private TinyTokenizerFactory() {}

    /** Number of token ids (embedding rows the model needs): bytes, merges and special tokens. */
    public static int vocabSize() {
        return TinyVocabulary.get().size();
    }

    /** Token ids of a flavor's tokenizer: the vision flavor adds {@link #VISION_TOKENS}. */
    public static int vocabSize(Flavor flavor) {
        return vocabSize() + (flavor == Flavor.VISION ? VISION_TOKENS.size() : 0);
    }

    /** The id of a vision token in the vision flavor's tokenizer. */
    public static int visionTokenId(String token) {
        int i = VISION_TOKENS.indexOf(token);
        if (i < 0) throw new IllegalArgumentException("not a vision token: " + token);
        return vocabSize() + i;
    }

    /** Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir} (created if needed). */
    public static Path write(Path dir, Flavor flavor) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("tokenizer.json"), bytes(TinyVocabulary.get().tokenizerJson(flavor)));
        Files.write(dir.resolve("tokenizer_config.json"), bytes(config(flavor)));
        return dir;
    }

    private static ObjectNode config(Flavor flavor) {
        ObjectNode config = JSON.createObjectNode();
        boolean chat = flavor != Flavor.COMPLETION;
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        config.put("add_bos_token", !chat);
        config.put("bos_token", BEGIN_OF_TEXT);
        config.put("eos_token", chat ? IM_END : END_OF_TEXT);
        config.put("pad_token", PAD);
        config.put("clean_up_tokenization_spaces", false);
        config.put("model_max_length", 2048);
        if (chat) {
            config.put("chat_template", flavor == Flavor.VISION ? VISION_TEMPLATE : CHATML_TEMPLATE);
        }
        return config;
    }

    /** Pretty-printed with "\n" line ends whatever the platform, so the bytes never vary. */
    private static byte[] bytes(ObjectNode node) throws IOException {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        String text = JSON.writer(printer).writeValueAsString(node) + "\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static String corpus() {
        try (InputStream in = TinyTokenizerFactory.class.getResourceAsStream("tiny-corpus.txt")) {
            if (in == null) {
                throw new IllegalStateException("tiny-corpus.txt missing from the classpath: rebuild the engine jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
