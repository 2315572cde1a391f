package dev.whetstone.data;

/** One line of a fine-tuning file, parsed: a chat conversation, a prompt/completion pair or a preference pair. */
public sealed interface TrainingExample permits ChatExample, PromptCompletionExample, PreferenceExample {}
