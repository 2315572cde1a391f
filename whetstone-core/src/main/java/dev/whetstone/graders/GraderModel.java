package dev.whetstone.graders;

import dev.whetstone.data.ChatMessage;
import java.util.List;

/**
 * The port through which {@code score_model} and {@code label_model} graders ask a model of this service. The
 * core's {@link DeploymentGraderModel} answers it with the deployments' own inference engine; graders never see
 * the server or the engine behind it.
 */
public interface GraderModel {
    /**
     * @throws dev.whetstone.error.ApiException 400 on {@code param} when {@code model} names nothing that can
     *         answer here (the message says what does exist)
     */
    void check(String model, String param);

    /**
     * Generates one chat reply.
     *
     * @throws GraderModelException when the model cannot answer (not ready, busy, the prompt does not fit); the
     *         grade then carries {@code model_grader_server_error}
     */
    Reply complete(String model, List<ChatMessage> messages, Grader.ModelSampling sampling);

    /** The reply's text, the name of the model that wrote it, and its token counts. */
    record Reply(String text, String modelName, int promptTokens, int completionTokens) {}

    final class GraderModelException extends RuntimeException {
        public GraderModelException(String message) {
            super(message);
        }
    }

    /** For services without deployments: every model grader is refused at validation. */
    GraderModel NONE = new GraderModel() {
        @Override
        public void check(String model, String param) {
            throw dev.whetstone.error.ApiException.invalid(param, "Model graders need a deployment to run on, and "
                    + "this service has no deployments configured.");
        }

        @Override
        public Reply complete(String model, List<ChatMessage> messages, Grader.ModelSampling sampling) {
            throw new GraderModelException("no deployments are configured");
        }
    };
}
