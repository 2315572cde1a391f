package dev.whetstone.engine.torch.vision;

import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.image.ImageInput;
import dev.whetstone.engine.torch.data.ImageFrames;
import dev.whetstone.engine.torch.model.UnsupportedModelException;
import dev.whetstone.engine.torch.tokenizer.ChatTemplate;
import dev.whetstone.engine.torch.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Chat prompts with images for a vision-language model (inference): the chat template renders content parts, each
 * image's {@code <image>} placeholder becomes its image tokens, and the images become frames, in order.
 */
public final class VisionPrompts {
    private final HfTokenizer tokenizer;
    private final ChatTemplate template;
    private final ImageProcessor processor;
    private final int seqLen;

    public VisionPrompts(HfTokenizer tokenizer, ImageProcessor processor, int seqLen) {
        this.tokenizer = tokenizer;
        this.template = tokenizer.chatTemplateOrFallback().withContentParts();
        this.processor = processor;
        this.seqLen = seqLen;
    }

    /** The prompts of the model folder {@code dir}, sharing its loaded tokenizer. */
    public static VisionPrompts of(Path dir, HfTokenizer tokenizer) throws IOException {
        Idefics3Config config = Idefics3Config.read(dir);
        int id = tokenizer.tokenId(ImagePrompt.IMAGE).orElseThrow(() -> new UnsupportedModelException(dir
                + ": the tokenizer has no " + ImagePrompt.IMAGE + " token"));
        if (id != config.imageTokenId()) {
            throw new UnsupportedModelException(dir + ": the tokenizer's " + ImagePrompt.IMAGE + " is id " + id
                    + " but config.json's image_token_id is " + config.imageTokenId());
        }
        return new VisionPrompts(tokenizer, new ImageProcessor(VisionExamples.checkedProcessor(dir, config)),
                config.imageSeqLen());
    }

    /**
     * @param text   the rendered prompt, placeholders expanded
     * @param frames null without images
     */
    public record Rendered(String text, int[] ids, ImageFrames frames) {}

    /**
     * @param images the messages' image parts decoded, in order
     * @throws IllegalArgumentException when the messages' image parts and the images differ in number
     */
    public Rendered chat(List<ChatMessage> messages, List<ImageInput> images, boolean addGenerationPrompt) {
        long parts = messages.stream().flatMap(m -> m.content().stream())
                .filter(dev.whetstone.data.ContentPart.Image.class::isInstance).count();
        if (parts != images.size()) {
            throw new IllegalArgumentException("the messages have " + parts + " image parts but " + images.size()
                    + " images were given");
        }
        List<ImageProcessor.Frames> frames = new ArrayList<>();
        for (ImageInput in : images) {
            frames.add(processor.process(in.image(), in.detail().split(processor.config().splitImages())));
        }
        String text = ImagePrompt.expand(template.render(messages, addGenerationPrompt), frames, seqLen);
        return new Rendered(text, tokenizer.encode(text, false), concat(frames));
    }

    /**
     * The frames of a prompt's images, checked against its tokens: each frame needs image_seq_len image tokens.
     *
     * @throws IllegalArgumentException when the prompt's image tokens do not match the images
     */
    public ImageFrames frames(int[] promptTokens, List<ImageInput> images) {
        List<ImageProcessor.Frames> frames = new ArrayList<>();
        for (ImageInput in : images) {
            frames.add(processor.process(in.image(), in.detail().split(processor.config().splitImages())));
        }
        ImageFrames all = concat(frames);
        int imageToken = tokenizer.tokenId(ImagePrompt.IMAGE).getAsInt();
        long tokens = java.util.Arrays.stream(promptTokens).filter(t -> t == imageToken).count();
        if (tokens != (long) all.count() * seqLen) {
            throw new IllegalArgumentException("the prompt has " + tokens + " image tokens but its " + images.size()
                    + " images need " + (long) all.count() * seqLen);
        }
        return all;
    }

    static ImageFrames concat(List<ImageProcessor.Frames> frames) {
        if (frames.isEmpty()) return null;
        int total = frames.stream().mapToInt(ImageProcessor.Frames::count).sum();
        int size = frames.get(0).size();
        float[] pixels = new float[total * 3 * size * size];
        int at = 0;
        for (ImageProcessor.Frames f : frames) {
            System.arraycopy(f.pixels(), 0, pixels, at, f.pixels().length);
            at += f.pixels().length;
        }
        return new ImageFrames(pixels, total, size);
    }
}
