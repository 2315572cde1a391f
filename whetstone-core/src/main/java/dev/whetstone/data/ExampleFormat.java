package dev.whetstone.data;

/** The training-file formats (preference: DPO pairs). A file uses one of them throughout; its first valid line decides which. */
public enum ExampleFormat {
    CHAT("chat"),
    PROMPT_COMPLETION("prompt_completion"),
    PREFERENCE("preference"),
    /** Reinforcement fine-tuning prompts: messages ending with a user turn, other fields for the grader. */
    REINFORCEMENT("reinforcement");

    private final String wireName;

    ExampleFormat(String wireName) { this.wireName = wireName; }

    /** The name used in {@link dev.whetstone.files.FileStatistics#format()}. */
    public String wireName() { return wireName; }

    public static ExampleFormat of(TrainingExample example) {
        return switch (example) {
            case ChatExample chat -> CHAT;
            case PromptCompletionExample pair -> PROMPT_COMPLETION;
            case PreferenceExample pair -> PREFERENCE;
            case ReinforcementExample prompt -> REINFORCEMENT;
        };
    }
}
