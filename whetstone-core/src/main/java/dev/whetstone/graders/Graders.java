package dev.whetstone.graders;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * The graders of one service: how a grader's JSON is checked ({@link GraderParser}) and how a sample is graded
 * ({@link GraderRunner}), over the same model port and Python sandbox. The graders API and reinforcement jobs
 * share it.
 */
public final class Graders {
    /** How long a model grader waits for its deployment's reply. */
    public static final Duration MODEL_TIMEOUT = Duration.ofMinutes(2);

    private final GraderParser parser;
    private final GraderRunner runner;

    public Graders(GraderModel models, PythonSandbox python) {
        this.parser = new GraderParser(models, python);
        this.runner = new GraderRunner(models, python);
    }

    /** @throws dev.whetstone.error.ApiException 400 naming the field under {@code path} */
    public Grader parse(JsonNode grader, String path) {
        return parser.parse(grader, path);
    }

    public GradeResult run(Grader grader, GradingSample sample) {
        return runner.run(grader, sample);
    }
}
