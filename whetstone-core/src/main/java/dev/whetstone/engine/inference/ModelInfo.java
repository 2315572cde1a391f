package dev.whetstone.engine.inference;

/**
 * @param contextLength the most tokens (prompt + generated) one sequence may hold
 * @param chat          whether the model has a chat template (chat/completions); without one only completions
 * @param vision        whether image content parts are understood (none of the supported architectures today)
 */
public record ModelInfo(int contextLength, boolean chat, boolean vision) {}
