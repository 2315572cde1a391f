package dev.whetstone.engine.torch.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A Hugging Face tokenizer ({@code tokenizer.json}, run by the Rust tokenizers library) with what
 * {@code tokenizer_config.json} adds: special tokens, {@code add_bos_token} and the chat template.
 * Thread-safe; {@link #close()} frees the native tokenizer.
 */
public final class HfTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer rust;
    private final TokenizerConfig config;
    private final Vocabulary vocabulary;
    private final boolean postProcessorAddsBos;
    private volatile ChatTemplate template; // parsed on first use

    private HfTokenizer(HuggingFaceTokenizer rust, TokenizerConfig config, Vocabulary vocabulary) {
        this.rust = rust;
        this.config = config;
        this.vocabulary = vocabulary;
        OptionalInt bos = bosId();
        long[] probe = rust.encode("a", true, false).getIds();
        this.postProcessorAddsBos = bos.isPresent() && probe.length > 0 && probe[0] == bos.getAsInt();
    }

    /**
     * Loads {@code dir/tokenizer.json} and, when present, {@code dir/tokenizer_config.json} and
     * {@code dir/chat_template.jinja}.
     */
    public static HfTokenizer load(Path dir) throws IOException {
        Path json = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(json)) {
            throw new IOException("HfTokenizer.load: no tokenizer.json in " + dir
                    + "; point it at a Hugging Face model folder (one with tokenizer.json)");
        }
        Vocabulary vocabulary = Vocabulary.of(TokenizerJson.read(json));
        TokenizerConfig config = TokenizerConfig.read(dir);
        TokenizerNatives.beforeLoad();
        // No truncation or padding inside the library: lengths are the caller's business (ExampleTokenizer).
        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(json,
                Map.of("truncation", "false", "padding", "false"));
        return new HfTokenizer(tokenizer, config, vocabulary);
    }

    /**
     * Token ids of {@code text}. Special-token text in {@code text} (such as {@code <|im_end|>}) becomes the special
     * token, as in Hugging Face. With {@code addSpecialTokens}, BOS is added when the tokenizer adds it
     * ({@link #addsBos()}).
     */
    public int[] encode(String text, boolean addSpecialTokens) {
        int[] ids = toInts(rust.encode(text, addSpecialTokens, false).getIds());
        if (!addSpecialTokens || config.addBosToken() == null || bosId().isEmpty()) {
            return ids;
        }
        int bos = bosId().getAsInt();
        if (config.addBosToken() && !postProcessorAddsBos) {
            int[] withBos = new int[ids.length + 1];
            withBos[0] = bos;
            System.arraycopy(ids, 0, withBos, 1, ids.length);
            return withBos;
        }
        if (!config.addBosToken() && postProcessorAddsBos && ids.length > 0 && ids[0] == bos) {
            return Arrays.copyOfRange(ids, 1, ids.length);
        }
        return ids;
    }

    /** Ids and the UTF-16 span of {@code text} each token came from (no special tokens added). */
    Encoded encodeWithOffsets(String text) {
        Encoding encoding = rust.encode(text, false, false);
        int[] ids = toInts(encoding.getIds());
        CharSpan[] spans = encoding.getCharTokenSpans();
        int[] starts = new int[ids.length];
        int[] ends = new int[ids.length];
        CodePointIndex index = CodePointIndex.of(text);
        for (int i = 0; i < ids.length; i++) {
            // The library reports offsets in code points; Java strings index UTF-16 units.
            starts[i] = spans[i] == null ? -1 : index.toCharIndex(spans[i].getStart());
            ends[i] = spans[i] == null ? -1 : index.toCharIndex(spans[i].getEnd());
        }
        return new Encoded(ids, starts, ends);
    }

    /** The text of {@code ids}, special tokens included. Invalid UTF-8 (a cut character) decodes to U+FFFD. */
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    public String decode(int[] ids, boolean skipSpecialTokens) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longs[i] = ids[i];
        }
        return rust.decode(longs, skipSpecialTokens);
    }

    /**
     * Decodes a stream of ids piece by piece without splitting characters (for streaming inference).
     *
     * @param skipSpecialTokens leave special tokens (EOS, end-of-turn) out of the text
     */
    public IncrementalDecoder incrementalDecoder(boolean skipSpecialTokens) {
        return new IncrementalDecoder(this, skipSpecialTokens);
    }

    /** Number of ids the tokenizer can produce: highest id + 1, added tokens included. */
    public int vocabSize() {
        return vocabulary.size();
    }

    /** The id of a token given as its vocabulary string (e.g. {@code "Ġhello"} or {@code "<|im_end|>"}). */
    public OptionalInt tokenId(String token) {
        return vocabulary.id(token);
    }

    /** The vocabulary string of an id, when the id exists. */
    public Optional<String> token(int id) {
        return vocabulary.token(id);
    }

    /**
     * The exact bytes token {@code id} contributes to decoded text (for log-probability reports): byte-level BPE
     * spellings mapped back to bytes, SentencePiece byte-fallback tokens ({@code <0x0A>}) as that byte, its "▁" as a
     * space, special tokens as their UTF-8 text. Empty for an unknown id.
     */
    public byte[] tokenBytes(int id) {
        Optional<String> token = token(id);
        if (token.isEmpty()) {
            return new byte[0];
        }
        String t = token.get();
        if (isSpecial(id)) {
            return t.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        if (t.length() == 6 && t.startsWith("<0x") && t.endsWith(">")) {
            return new byte[] {(byte) Integer.parseInt(t.substring(3, 5), 16)};
        }
        if (vocabulary.id("\u0120").isPresent()) { // "Ġ", the byte-level spelling of a space: a byte-level vocabulary
            byte[] bytes = ByteLevel.bytes(t);
            if (bytes != null) {
                return bytes;
            }
        }
        return t.replace('\u2581', ' ').getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Whether {@code id} is an added token marked {@code special} (BOS, EOS, end-of-turn, padding...). */
    public boolean isSpecial(int id) {
        return vocabulary.isSpecial(id);
    }

    public Optional<String> bosToken() { return Optional.ofNullable(config.bosToken()); }

    public Optional<String> eosToken() { return Optional.ofNullable(config.eosToken()); }

    public Optional<String> padToken() { return Optional.ofNullable(config.padToken()); }

    public OptionalInt bosId() { return idOf(config.bosToken()); }

    public OptionalInt eosId() { return idOf(config.eosToken()); }

    public OptionalInt padId() { return idOf(config.padToken()); }

    /** Whether {@code encode(text, true)} starts with BOS. */
    public boolean addsBos() {
        if (config.addBosToken() != null) {
            return config.addBosToken() && bosId().isPresent();
        }
        return postProcessorAddsBos;
    }

    public TokenizerConfig config() { return config; }

    /**
     * The model's own chat template, when its tokenizer_config has one.
     *
     * @throws ChatTemplateException when the template cannot be parsed
     */
    public Optional<ChatTemplate> chatTemplate() {
        if (template == null && config.chatTemplate().isPresent()) {
            template = ChatTemplate.of(config.chatTemplate().get(), config.bosToken(), config.eosToken());
        }
        return Optional.ofNullable(template);
    }

    /** The model's chat template, or {@link ChatTemplate#fallback} for models without one. */
    public ChatTemplate chatTemplateOrFallback() {
        return chatTemplate().orElseGet(() -> ChatTemplate.fallback(config.bosToken(), config.eosToken()));
    }

    @Override
    public void close() {
        rust.close();
    }

    private OptionalInt idOf(String token) {
        return token == null ? OptionalInt.empty() : vocabulary.id(token);
    }

    private static int[] toInts(long[] longs) {
        int[] ints = new int[longs.length];
        for (int i = 0; i < longs.length; i++) {
            ints[i] = Math.toIntExact(longs[i]);
        }
        return ints;
    }

    /** Ids with the {@code [start, end)} UTF-16 span of each in the encoded text (-1 when a token has none). */
    record Encoded(int[] ids, int[] starts, int[] ends) {}

    /** Converts code-point offsets into UTF-16 offsets; the identity for text without surrogate pairs. */
    private record CodePointIndex(int[] charIndex) {
        static CodePointIndex of(String text) {
            if (text.codePointCount(0, text.length()) == text.length()) {
                return new CodePointIndex(null);
            }
            int[] index = new int[text.codePointCount(0, text.length()) + 1];
            int cp = 0;
            for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
                index[cp++] = i;
            }
            index[cp] = text.length();
            return new CodePointIndex(index);
        }

        int toCharIndex(int codePoint) {
            return charIndex == null ? codePoint : charIndex[codePoint];
        }
    }
}
