package dev.whetstone.engine.torch.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.Folders;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import dev.whetstone.engine.torch.demo.TinyTokenizerFactory;
import dev.whetstone.engine.torch.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The built-in demo models, made with our own code in exactly the Hugging Face layout users bring:
 * {@code tiny-chat} (Llama architecture, byte-level BPE tokenizer, ChatML chat template) and
 * {@code tiny-completion} (GPT-2 architecture, no chat template), {@code tiny-vision} (Idefics3 / SmolVLM
 * architecture: tiny-chat's decoder behind a small SigLIP encoder, with the processor files and a chat template that
 * writes image parts). Small enough to fine-tune in seconds to a minute on one or two cores.
 */
public final class TinyModels {
    public enum Kind {
        CHAT("tiny-chat", TinyModelFactory.Arch.LLAMA, TinyTokenizerFactory.Flavor.CHAT),
        COMPLETION("tiny-completion", TinyModelFactory.Arch.GPT2, TinyTokenizerFactory.Flavor.COMPLETION),
        VISION("tiny-vision", TinyModelFactory.Arch.LLAMA, TinyTokenizerFactory.Flavor.VISION);

        public final String folderName;
        final TinyModelFactory.Arch arch;
        final TinyTokenizerFactory.Flavor flavor;

        Kind(String folderName, TinyModelFactory.Arch arch, TinyTokenizerFactory.Flavor flavor) {
            this.folderName = folderName;
            this.arch = arch;
            this.flavor = flavor;
        }

        public static Kind of(TinyModelFactory.Arch arch) {
            return arch == TinyModelFactory.Arch.GPT2 ? COMPLETION : CHAT;
        }
    }

    /** Fixed, so every installation's demo models are the same bytes. */
    private static final long SEED = 20261125L;

    private TinyModels() {}

    /** Writes the model into {@code dir} (created; existing files there are overwritten). */
    public static void create(Path dir, Kind kind) throws IOException {
        Files.createDirectories(dir);
        TinyTokenizerFactory.write(dir, kind.flavor);
        if (kind == Kind.VISION) {
            TinyVisionFactory.write(dir, visionSpec(), SEED, TinyModelFactory.Init.FAN_IN);
            writeProcessorFiles(dir, visionSpec());
        } else {
            TinyModelFactory.write(dir, spec(kind), SEED, TinyModelFactory.Init.FAN_IN);
        }
        alignSpecialTokenIds(dir);
    }

    /**
     * tiny-chat's decoder (vocabulary plus the vision tokens) behind a SigLIP encoder of hidden 64, 2 layers, 4 heads,
     * MLP 128, over 32 × 32 frames of 8 × 8 patches, shuffled by 2: 4 image tokens a frame. The processor resizes
     * the longest edge to 64 and cuts up to 2 × 2 tiles plus the global view (at most 20 image tokens an image).
     */
    static TinyVisionFactory.Spec visionSpec() {
        TinyTokenizerFactory.Flavor f = TinyTokenizerFactory.Flavor.VISION;
        TinyModelFactory.Spec text = new TinyModelFactory.Spec(TinyModelFactory.Arch.LLAMA,
                TinyTokenizerFactory.vocabSize(f), 512, 4, 8, 4, 1376, 1024, true, null, false);
        return new TinyVisionFactory.Spec(text, 64, 2, 4, 128, 32, 8, 2,
                TinyTokenizerFactory.visionTokenId("<image>"));
    }

    /** preprocessor_config.json (Idefics3ImageProcessor) and processor_config.json (image_seq_len). */
    private static void writeProcessorFiles(Path dir, TinyVisionFactory.Spec s) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode p = json.createObjectNode();
        p.put("image_processor_type", "Idefics3ImageProcessor").put("processor_class", "Idefics3Processor")
                .put("do_convert_rgb", true).put("do_resize", true).put("resample", 1)
                .put("do_image_splitting", true).put("do_rescale", true).put("rescale_factor", 1 / 255.0)
                .put("do_normalize", true).put("do_pad", true);
        p.putObject("size").put("longest_edge", 2 * s.imageSize());
        p.putObject("max_image_size").put("longest_edge", s.imageSize());
        p.putArray("image_mean").add(0.5).add(0.5).add(0.5);
        p.putArray("image_std").add(0.5).add(0.5).add(0.5);
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("preprocessor_config.json").toFile(), p);
        ObjectNode proc = json.createObjectNode().put("image_seq_len", s.imageSeqLen())
                .put("processor_class", "Idefics3Processor");
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("processor_config.json").toFile(), proc);
    }

    /** Creates {@code <modelsDir>/<name>} unless it exists; written beside it first, then renamed into place. */
    public static boolean ensure(Path modelsDir, Kind kind) throws IOException {
        Path target = modelsDir.resolve(kind.folderName);
        if (Files.exists(target)) return false;
        Path staging = Files.createTempDirectory(modelsDir, "." + kind.folderName + "-");
        try {
            create(staging, kind);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } finally {
            Folders.deleteTree(staging);
        }
    }

    /**
     * Hidden 512, 4 layers, 8 heads (4 KV heads for Llama), MLP 1376, fan-in initialised. A random model is a hard
     * start for a low-rank update: a LoRA job (all linear projections, rank 16, 100 steps at 2.5e-4 on ten
     * examples) memorises short answers with this shape (final loss 0.06–0.15 over four seeds), but not with
     * hidden 128–256 or 0.02-initialised weights, which leave every block near the identity. The auto rule's 1e-3
     * also teaches both demo models the Azure how-to's longer answers (DefaultsLearnTheHowToTest).
     */
    private static TinyModelFactory.Spec spec(Kind kind) {
        int kvHeads = kind.arch == TinyModelFactory.Arch.GPT2 ? 8 : 4;
        return new TinyModelFactory.Spec(kind.arch, TinyTokenizerFactory.vocabSize(), 512, 4, 8, kvHeads, 1376,
                1024, true, null, false);
    }

    /** config.json's bos/eos ids must name the tokenizer's own special tokens, or generation never stops. */
    private static void alignSpecialTokenIds(Path dir) throws IOException {
        Path configFile = dir.resolve("config.json");
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(configFile.toFile());
        // a vision model's decoder reads them from text_config
        ObjectNode target = config.path("text_config").isObject() ? (ObjectNode) config.get("text_config") : config;
        try (HfTokenizer tokenizer = HfTokenizer.load(dir)) {
            tokenizer.bosId().ifPresent(id -> target.put("bos_token_id", id));
            tokenizer.eosId().ifPresent(id -> target.put("eos_token_id", id));
            if (target != config) tokenizer.padId().ifPresent(id -> config.put("pad_token_id", id));
        }
        json.writerWithDefaultPrettyPrinter().writeValue(configFile.toFile(), config);
    }

}
