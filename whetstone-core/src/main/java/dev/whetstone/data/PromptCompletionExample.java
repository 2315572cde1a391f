package dev.whetstone.data;

/** {@code {"prompt": ..., "completion": ...}}: only the completion is trained on. */
public record PromptCompletionExample(String prompt, String completion) implements TrainingExample {}
