package dev.whetstone.engine.inference;

import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.image.ImageInput;
import java.util.List;

/** A loaded deployment: turns prompts into tokens and generates, batched with every other request of its base. */
public interface ServedModel {
    ModelInfo info();

    /**
     * Renders messages through the model's own chat template, with the generation prompt appended.
     *
     * @throws InvalidPromptException when the model has no chat template, or the template rejects the messages
     *                                (e.g. roles out of order); the message says which
     */
    Prompt chatPrompt(List<ChatMessage> messages);

    /**
     * Renders messages that carry images: {@code images} are the messages' image parts, decoded by the service's
     * image loader (the inference API fetches and decodes them under the outbound rules, so an engine never sees a
     * URL), in the order the parts appear. A vision model expands each image placeholder of its chat template into
     * its image tokens and returns the images with the prompt ({@link Prompt#images}). Only models whose
     * {@link ModelInfo#vision} is true are called with images; the default refuses them.
     *
     * @throws InvalidPromptException as {@link #chatPrompt(List)}, or when images are given to a model without vision
     */
    default Prompt chatPrompt(List<ChatMessage> messages, List<ImageInput> images) {
        if (!images.isEmpty()) throw new InvalidPromptException("this model does not accept images (no vision)");
        return chatPrompt(messages);
    }

    /** Tokenizes a completion prompt as is (the model's BOS token prepended where its tokenizer does so). */
    Prompt textPrompt(String text);

    /**
     * Queues a generation; tokens reach {@code listener} on an engine thread as they are sampled.
     *
     * @throws InvalidPromptException  when the prompt leaves no room in the context for one new token
     * @throws EngineBusyException     when the waiting queue is full (the caller answers 429 or 503)
     */
    Generation generate(Prompt prompt, SamplingOptions options, GenerationListener listener);
}
