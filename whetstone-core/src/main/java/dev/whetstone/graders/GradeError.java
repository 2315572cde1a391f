package dev.whetstone.graders;

/** The boolean flags of a run's {@code metadata.errors}, in the API's order. */
public enum GradeError {
    FORMULA_PARSE("formula_parse_error"),
    SAMPLE_PARSE("sample_parse_error"),
    TRUNCATED_OBSERVATION("truncated_observation_error"),
    UNRESPONSIVE_REWARD("unresponsive_reward_error"),
    INVALID_VARIABLE("invalid_variable_error"),
    OTHER("other_error"),
    PYTHON_SERVER("python_grader_server_error"),
    PYTHON_RUNTIME("python_grader_runtime_error"),
    MODEL_SERVER("model_grader_server_error"),
    MODEL_REFUSAL("model_grader_refusal_error"),
    MODEL_PARSE("model_grader_parse_error");

    private final String wireName;

    GradeError(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() { return wireName; }
}
