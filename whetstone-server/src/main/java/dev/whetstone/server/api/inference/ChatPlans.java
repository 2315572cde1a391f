package dev.whetstone.server.api.inference;

import dev.whetstone.deployments.LiveDeployment;
import dev.whetstone.engine.inference.InvalidPromptException;
import dev.whetstone.engine.inference.ModelInfo;
import dev.whetstone.engine.inference.Prompt;
import dev.whetstone.error.ApiException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;

/** A chat request as generations: the rendered conversation once, n choices from it (seed + i each). */
final class ChatPlans {
    private ChatPlans() {}

    static Plan plan(LiveDeployment deployment, ChatRequest request) {
        ModelInfo info = deployment.model().info();
        if (!info.chat()) {
            throw ApiException.invalid(null, "Deployment '" + deployment.name() + "' serves '" + deployment.modelName()
                    + "', a model without a chat template: call /completions with a 'prompt' instead of /chat/completions.");
        }
        if (!info.vision()) request.requireNoImages();
        Prompt prompt;
        try {
            prompt = deployment.model().chatPrompt(request.messages());
        } catch (InvalidPromptException e) {
            throw ApiException.invalid("messages", e.getMessage());
        }
        Sampling sampling = request.sampling();
        // Chat's default is the rest of the context (the swagger's "4096 minus prompt tokens", for this model).
        int max = TokenBudget.maxTokens(sampling.maxTokens(), Integer.MAX_VALUE, info.contextLength(), prompt.length(),
                "messages");
        List<GenerationBatch.Job> jobs = new ArrayList<>();
        for (int i = 0; i < sampling.n(); i++) {
            jobs.add(new GenerationBatch.Job(prompt, sampling.options(max, i, request.topLogprobs())));
        }
        return new Plan(jobs, Collections.nCopies(sampling.n(), ""), prompt.length(),
                prompt.length() + TokenBudget.estimate(sampling.maxTokens(), max) * sampling.n(), sampling.stream(), sampling.includeUsage(), "messages",
                UnaryOperator.identity());
    }
}
