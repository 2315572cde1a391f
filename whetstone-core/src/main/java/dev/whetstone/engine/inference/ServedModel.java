package dev.whetstone.engine.inference;

import dev.whetstone.data.ChatMessage;
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
