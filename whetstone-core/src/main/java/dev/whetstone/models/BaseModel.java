package dev.whetstone.models;

import java.nio.file.Path;

/**
 * A Hugging Face checkpoint folder in the models directory, named by its folder.
 *
 * @param architecture the config.json architecture, e.g. LlamaForCausalLM
 * @param chat         whether tokenizer_config.json has a chat template (chat/completions and chat training data)
 */
public record BaseModel(String id, Path dir, String architecture, boolean chat, long createdAt) {}
