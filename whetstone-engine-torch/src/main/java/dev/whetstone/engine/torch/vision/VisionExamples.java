package dev.whetstone.engine.torch.vision;

import dev.whetstone.data.ChatExample;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.ContentPart;
import dev.whetstone.data.PreferenceExample;
import dev.whetstone.data.TrainingExample;
import dev.whetstone.data.image.DecodedImage;
import dev.whetstone.data.image.ImageDetail;
import dev.whetstone.data.image.ImageLoadException;
import dev.whetstone.data.image.ImageLoader;
import dev.whetstone.engine.torch.data.TokenizedExample;
import dev.whetstone.engine.torch.model.UnsupportedModelException;
import dev.whetstone.engine.torch.tokenizer.ExampleTokenizer;
import dev.whetstone.engine.torch.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Training examples for a vision-language model: each image part is loaded through the {@link ImageLoader},
 * processed into frames ({@link ImageProcessor}), and the chat template's {@code <image>} placeholder for it is
 * expanded into its image tokens ({@link ImagePrompt}) before tokenizing; loss masks as for text. An image's
 * {@code detail} decides the tiles ({@link ImageDetail}: low the global view alone, high tiles, auto the config).
 */
public final class VisionExamples implements AutoCloseable {
    private final HfTokenizer tokenizer;
    private final ExampleTokenizer examples;
    private final ImageProcessor processor;
    private final ImageLoader loader;
    private final int imageToken;
    private final int seqLen;
    private final Map<String, ImageProcessor.Frames> processed = new HashMap<>();

    private VisionExamples(HfTokenizer tokenizer, ExampleTokenizer examples, ImageProcessor processor,
                           ImageLoader loader, int imageToken, int seqLen) {
        this.tokenizer = tokenizer;
        this.examples = examples;
        this.processor = processor;
        this.loader = loader;
        this.imageToken = imageToken;
        this.seqLen = seqLen;
    }

    /**
     * @param loader null when the service has no image loader: examples with images are then refused
     */
    public static VisionExamples open(Path modelDir, int maxLength, ImageLoader loader) throws IOException {
        Idefics3Config config = Idefics3Config.read(modelDir);
        ImageProcessor processor = new ImageProcessor(checkedProcessor(modelDir, config));
        HfTokenizer tokenizer = HfTokenizer.load(modelDir);
        try {
            int id = tokenizer.tokenId(ImagePrompt.IMAGE).orElseThrow(() -> new UnsupportedModelException(modelDir
                    + ": the tokenizer has no " + ImagePrompt.IMAGE + " token"));
            if (id != config.imageTokenId()) {
                throw new UnsupportedModelException(modelDir + ": the tokenizer's " + ImagePrompt.IMAGE + " is id " + id
                        + " but config.json's image_token_id is " + config.imageTokenId());
            }
            ExampleTokenizer examples = new ExampleTokenizer(tokenizer,
                    tokenizer.chatTemplateOrFallback().withContentParts(), maxLength);
            return new VisionExamples(tokenizer, examples, processor, loader, id, config.imageSeqLen());
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /** The processor config, checked against the model: frames of image_size, image_seq_len tokens each. */
    public static ProcessorConfig checkedProcessor(Path modelDir, Idefics3Config config) throws IOException {
        ProcessorConfig p = ProcessorConfig.read(modelDir);
        if (p.maxImageSize() != config.vision().imageSize()) {
            throw new UnsupportedModelException(modelDir + ": preprocessor_config.json's max_image_size "
                    + p.maxImageSize() + " differs from vision_config.image_size " + config.vision().imageSize());
        }
        if (p.imageSeqLen() != config.imageSeqLen()) {
            throw new UnsupportedModelException(modelDir + ": processor_config.json's image_seq_len "
                    + p.imageSeqLen() + " differs from the model's " + config.imageSeqLen()
                    + " tokens per frame ((image_size / patch_size)² / scale_factor²)");
        }
        return p;
    }

    /**
     * @throws IllegalArgumentException naming the message and part of an image that cannot be loaded, or when the
     *                                  image tokens do not fit the maximum length
     */
    public TokenizedExample encode(TrainingExample example) {
        if (!(example instanceof ChatExample chat) || chat.messages().stream().noneMatch(ChatMessage::hasImages)) {
            if (example instanceof PreferenceExample p && hasImages(p)) {
                throw new IllegalArgumentException("preference pairs with images are not supported");
            }
            return examples.tokenize(example);
        }
        List<ImageProcessor.Frames> frames = frames(chat);
        List<String> prompts = frames.stream().map(f -> ImagePrompt.of(f.rows(), f.cols(), seqLen)).toList();
        TokenizedExample tokens = examples.tokenize(chat, prompts, ImagePrompt.IMAGE);
        int total = frames.stream().mapToInt(ImageProcessor.Frames::count).sum();
        long imageTokens = java.util.Arrays.stream(tokens.inputIds()).filter(i -> i == imageToken).count();
        if (imageTokens != (long) total * seqLen) {
            throw new IllegalArgumentException("its " + frames.size() + " images need " + (long) total * seqLen
                    + " image tokens but " + imageTokens + " fit in the maximum length of " + tokens.length()
                    + " tokens; use fewer or smaller images (detail: low) or a shorter conversation");
        }
        return tokens.withImages(VisionPrompts.concat(frames));
    }

    private List<ImageProcessor.Frames> frames(ChatExample chat) {
        List<ImageProcessor.Frames> out = new ArrayList<>();
        for (int m = 0; m < chat.messages().size(); m++) {
            List<ContentPart> parts = chat.messages().get(m).content();
            for (int p = 0; p < parts.size(); p++) {
                if (parts.get(p) instanceof ContentPart.Image image) out.add(frames(image, m, p));
            }
        }
        return out;
    }

    private ImageProcessor.Frames frames(ContentPart.Image image, int message, int part) {
        if (loader == null) {
            throw new IllegalArgumentException("messages[" + message + "].content[" + part + "] is an image, but this"
                    + " service was started without an image loader");
        }
        boolean split = ImageDetail.of(image.detail()).split(processor.config().splitImages());
        String key = (split ? "s:" : "l:") + image.url();
        ImageProcessor.Frames cached = processed.get(key);
        if (cached != null) return cached;
        DecodedImage decoded;
        try {
            decoded = loader.load(image.url());
        } catch (ImageLoadException e) {
            throw new IllegalArgumentException("messages[" + message + "].content[" + part + "]: " + e.getMessage(), e);
        }
        ImageProcessor.Frames f = processor.process(decoded, split);
        processed.put(key, f);
        return f;
    }

    private static boolean hasImages(PreferenceExample p) {
        return p.conversation(true).messages().stream().anyMatch(ChatMessage::hasImages)
                || p.conversation(false).messages().stream().anyMatch(ChatMessage::hasImages);
    }

    @Override
    public void close() { tokenizer.close(); }
}
