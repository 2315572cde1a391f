package dev.whetstone.graders;

import java.util.List;
import java.util.Map;

/**
 * A validated grader (the API's {@code Grader*} schemas). {@link GraderParser} builds them from JSON and refuses
 * anything malformed with a 400 that names the field; {@link GraderRunner} grades a sample with one.
 */
public sealed interface Grader {
    String name();

    /** The wire {@code type}: string_check, text_similarity, python, score_model, label_model, multi. */
    String type();

    /** {@code string_check}: 1 when the rendered input and reference satisfy the operation, else 0. */
    record StringCheck(String name, Template input, Template reference, StringOperation operation) implements Grader {
        public String type() { return "string_check"; }
    }

    /** {@code text_similarity}: a similarity metric in [0, 1] between the rendered input and reference. */
    record TextSimilarity(String name, Template input, Template reference, SimilarityMetric metric) implements Grader {
        public String type() { return "text_similarity"; }
    }

    /** {@code python}: the user's {@code grade(sample, item)}, run by {@link PythonSandbox}. */
    record Python(String name, String source, String imageTag) implements Grader {
        public String type() { return "python"; }
    }

    /**
     * {@code score_model} ({@code labels == null}) or {@code label_model}: messages rendered and sent to a model of
     * this service through {@link GraderModel}; the reply's score (within {@code range}) or label is the grade.
     */
    record Model(String name, String type, String model, List<InputMessage> input, ModelSampling sampling,
                 double rangeLow, double rangeHigh, List<String> labels, List<String> passingLabels) implements Grader {}

    /** {@code multi}: named sub-graders combined by the {@code calculate_output} formula. */
    record Multi(String name, Map<String, Grader> graders, Formula formula) implements Grader {
        public String type() { return "multi"; }
    }

    /** One message of a model grader's prompt: role and its text parts, each a template. */
    record InputMessage(String role, List<Template> parts) {}

    /**
     * A model grader's {@code sampling_params}; nulls take the defaults {@link GraderRunner} documents.
     */
    record ModelSampling(Double temperature, Double topP, Long seed, Integer maxCompletionTokens) {}
}
