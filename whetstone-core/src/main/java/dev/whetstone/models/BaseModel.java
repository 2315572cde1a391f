package dev.whetstone.models;

import java.nio.file.Path;

/**
 * A Hugging Face checkpoint folder in the models directory, named by its folder.
 *
 * @param architecture the config.json architecture, e.g. LlamaForCausalLM
 * @param chat         whether tokenizer_config.json has a chat template (chat/completions and chat training data)
 * @param vision       whether the checkpoint has a vision tower (config.json has a {@code vision_config}, as every
 *                     Hugging Face vision-language model's has): image parts in its training data and chat requests
 *                     are used, not refused
 */
public record BaseModel(String id, Path dir, String architecture, boolean chat, long createdAt, boolean vision) {
    /** A text-only model. */
    public BaseModel(String id, Path dir, String architecture, boolean chat, long createdAt) {
        this(id, dir, architecture, chat, createdAt, false);
    }
}
