package dev.whetstone.data;

/** One line of a fine-tuning file, parsed: a chat conversation, a prompt/completion pair, a preference pair or a
 * reinforcement prompt. */
public sealed interface TrainingExample permits ChatExample, PromptCompletionExample, PreferenceExample,
        ReinforcementExample {}
