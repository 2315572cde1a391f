package dev.whetstone.graders;

import dev.whetstone.data.ChatMessage;
import dev.whetstone.deployments.DeploymentLookup;
import dev.whetstone.deployments.LiveDeployment;
import dev.whetstone.engine.inference.FinishReason;
import dev.whetstone.engine.inference.GeneratedToken;
import dev.whetstone.engine.inference.Generation;
import dev.whetstone.engine.inference.GenerationListener;
import dev.whetstone.engine.inference.InferenceException;
import dev.whetstone.engine.inference.Prompt;
import dev.whetstone.engine.inference.SamplingOptions;
import dev.whetstone.engine.inference.Usage;
import dev.whetstone.error.ApiException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Model graders on this service's deployments: the grader's {@code model} is a deployment name; its messages go
 * through the deployment's chat template and the same engine that serves chat/completions. Defaults where
 * {@code sampling_params} leaves a value out are the chat API's: temperature 1, top_p 1, a random seed, and at most
 * {@link #DEFAULT_MAX_TOKENS} new tokens. The grader's calls do not draw on the deployment's tokens-per-minute
 * quota and are not content-filtered (the grader's own text and the model sample are the caller's data).
 */
public final class DeploymentGraderModel implements GraderModel {
    public static final int DEFAULT_MAX_TOKENS = 1024;
    private final DeploymentLookup deployments;
    private final Duration timeout;

    public DeploymentGraderModel(DeploymentLookup deployments, Duration timeout) {
        this.deployments = deployments;
        this.timeout = timeout;
    }

    @Override
    public void check(String model, String param) {
        LiveDeployment d;
        try {
            d = deployments.live(model);
        } catch (ApiException e) {
            throw ApiException.invalid(param, "'" + param + "' names '" + model + "', which is not a ready deployment "
                    + "of this service; model graders run on a deployment (create one with PUT …/deployments/{name}).");
        }
        if (!d.model().info().chat()) {
            throw ApiException.invalid(param, "Deployment '" + model + "' serves a model without a chat template; "
                    + "model graders send chat messages.");
        }
    }

    @Override
    public Reply complete(String model, List<ChatMessage> messages, Grader.ModelSampling s) {
        LiveDeployment d;
        try {
            d = deployments.live(model);
        } catch (ApiException e) {
            throw new GraderModelException("deployment '" + model + "' is not ready: " + e.getMessage());
        }
        SamplingOptions options = new SamplingOptions(
                s.maxCompletionTokens() == null ? DEFAULT_MAX_TOKENS : s.maxCompletionTokens(),
                s.temperature() == null ? 1.0 : s.temperature(), s.topP() == null ? 1.0 : s.topP(), s.seed(),
                0, 0, Map.of(), List.of(), -1);
        CompletableFuture<Usage> done = new CompletableFuture<>();
        StringBuilder text = new StringBuilder();
        Generation g;
        try {
            Prompt prompt = d.model().chatPrompt(messages);
            g = d.model().generate(prompt, options, new GenerationListener() {
                @Override
                public void onToken(GeneratedToken token) {
                    synchronized (text) {
                        text.append(token.text());
                    }
                }

                @Override
                public void onComplete(FinishReason reason, Usage usage) {
                    done.complete(usage);
                }

                @Override
                public void onError(InferenceException error) {
                    done.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            throw new GraderModelException("deployment '" + model + "' cannot take the grader's prompt: " + e.getMessage());
        }
        try {
            Usage usage = done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            synchronized (text) {
                return new Reply(text.toString(), d.modelName(), usage.promptTokens(), usage.completionTokens());
            }
        } catch (TimeoutException e) {
            g.cancel();
            throw new GraderModelException("deployment '" + model + "' did not answer within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new GraderModelException("deployment '" + model + "' failed: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            g.cancel();
            Thread.currentThread().interrupt();
            throw new GraderModelException("interrupted");
        }
    }
}
