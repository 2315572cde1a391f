package dev.whetstone.server.api.inference;

import dev.whetstone.data.RequestImages;
import dev.whetstone.data.image.ImageInput;
import dev.whetstone.data.image.ImageLoader;
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

    /** @param images loads the request's image parts when the deployment's model sees images */
    static Plan plan(LiveDeployment deployment, ChatRequest request, ImageLoader images) {
        ModelInfo info = deployment.model().info();
        if (!info.chat()) {
            throw ApiException.invalid(null, "Deployment '" + deployment.name() + "' serves '" + deployment.modelName()
                    + "', a model without a chat template: call /completions with a 'prompt' instead of /chat/completions.");
        }
        if (!info.vision()) request.requireNoImages(deployment.name(), deployment.modelName());
        Prompt prompt;
        try {
            List<ImageInput> decoded = RequestImages.any(request.messages())
                    ? RequestImages.load(request.messages(), images) : List.of();
            prompt = decoded.isEmpty() ? deployment.model().chatPrompt(request.messages())
                    : deployment.model().chatPrompt(request.messages(), decoded);
        } catch (RequestImages.BadImage e) {
            throw ApiException.invalid(e.field(), e.getMessage());
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
