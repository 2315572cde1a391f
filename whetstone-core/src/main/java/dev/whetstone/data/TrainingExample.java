package dev.whetstone.data;

/** One line of a fine-tuning file, parsed: a chat conversation or a prompt/completion pair. */
public sealed interface TrainingExample permits ChatExample, PromptCompletionExample {}
