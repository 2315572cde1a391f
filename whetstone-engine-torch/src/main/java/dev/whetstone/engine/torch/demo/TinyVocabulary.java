package dev.whetstone.engine.torch.demo;

import dev.whetstone.engine.torch.tokenizer.ByteLevel;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tiny tokenizer's vocabulary, learned once per process: ids 0–255 are the bytes, then one id per new merged
 * token in the order learned, then the special tokens.
 */
final class TinyVocabulary {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Integer> vocab;
    private final List<BpeTrainer.Merge> merges;

    private TinyVocabulary(Map<String, Integer> vocab, List<BpeTrainer.Merge> merges) {
        this.vocab = vocab;
        this.merges = merges;
    }

    /** Learned on first use; the holder idiom makes that lazy and thread-safe. */
    static TinyVocabulary get() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final TinyVocabulary INSTANCE = learn();
    }

    private static TinyVocabulary learn() {
        int maxMerges = TinyTokenizerFactory.VOCAB_SIZE - 256 - TinyTokenizerFactory.SPECIAL_TOKENS.size();
        List<BpeTrainer.Merge> merges = BpeTrainer.train(TinyTokenizerFactory.corpus(), maxMerges);
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(ByteLevel.charOf(b)), b);
        }
        // Two merges can spell the same token ("a"+"bc", "ab"+"c"): it gets one id.
        merges.forEach(m -> vocab.putIfAbsent(m.merged(), vocab.size()));
        return new TinyVocabulary(vocab, merges);
    }

    /** Ids: bytes and merged tokens, then the special tokens. */
    int size() {
        return vocab.size() + TinyTokenizerFactory.SPECIAL_TOKENS.size();
    }

    int specialId(String token) {
        return vocab.size() + TinyTokenizerFactory.SPECIAL_TOKENS.indexOf(token);
    }

    ObjectNode tokenizerJson(TinyTokenizerFactory.Flavor flavor) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (String token : TinyTokenizerFactory.SPECIAL_TOKENS) {
            added.addObject().put("id", specialId(token)).put("content", token).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        if (flavor == TinyTokenizerFactory.Flavor.VISION) {
            for (String token : TinyTokenizerFactory.VISION_TOKENS) {
                added.addObject().put("id", size() + TinyTokenizerFactory.VISION_TOKENS.indexOf(token))
                        .put("content", token).put("single_word", false).put("lstrip", false).put("rstrip", false)
                        .put("normalized", false).put("special", true);
            }
        }
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(false, true));
        root.set("post_processor", flavor == TinyTokenizerFactory.Flavor.COMPLETION ? bosTemplate()
                : byteLevel(true, false));
        root.set("decoder", byteLevel(true, true));
        root.set("model", model());
        return root;
    }

    private static ObjectNode byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
        return JSON.createObjectNode().put("type", "ByteLevel").put("add_prefix_space", addPrefixSpace)
                .put("trim_offsets", trimOffsets).put("use_regex", true);
    }

    /** Adds {@code <|begin_of_text|>} before every sequence, as Llama 3's tokenizer does. */
    private ObjectNode bosTemplate() {
        String bos = TinyTokenizerFactory.BEGIN_OF_TEXT;
        ObjectNode node = JSON.createObjectNode().put("type", "TemplateProcessing");
        ArrayNode single = node.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ArrayNode pair = node.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 1);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode special = node.putObject("special_tokens").putObject(bos);
        special.put("id", bos);
        special.putArray("ids").add(specialId(bos));
        special.putArray("tokens").add(bos);
        return node;
    }

    private ObjectNode model() {
        ObjectNode model = JSON.createObjectNode().put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", false);
        ObjectNode vocabNode = model.putObject("vocab");
        vocab.forEach(vocabNode::put);
        ArrayNode mergesNode = model.putArray("merges");
        // Byte-level symbols never contain a plain space, so "left right" is unambiguous.
        merges.forEach(m -> mergesNode.add(m.left() + " " + m.right()));
        return model;
    }
}
