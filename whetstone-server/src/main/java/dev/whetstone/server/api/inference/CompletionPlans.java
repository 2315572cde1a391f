package dev.whetstone.server.api.inference;

import dev.whetstone.deployments.LiveDeployment;
import dev.whetstone.engine.inference.InvalidPromptException;
import dev.whetstone.engine.inference.Prompt;
import dev.whetstone.error.ApiException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A completions request as generations: best_of candidates per prompt, prompts in order. With best_of above n
 * the engine reports log-probabilities even when the client did not ask, because the ranking needs them.
 */
final class CompletionPlans {
    private CompletionPlans() {}

    static Plan plan(LiveDeployment deployment, CompletionRequest request) {
        Sampling sampling = request.sampling();
        int bestOf = request.bestOf();
        int topLogprobs = request.logprobs() != null ? request.logprobs() : bestOf > sampling.n() ? 0 : -1;
        int context = deployment.model().info().contextLength();
        List<GenerationBatch.Job> jobs = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        int promptTokens = 0;
        int estimate = 0;
        for (int p = 0; p < request.prompts().size(); p++) {
            String param = request.prompts().size() == 1 ? "prompt" : "prompt[" + p + "]";
            Prompt prompt = prompt(deployment, request.prompts().get(p), param);
            int max = TokenBudget.maxTokens(sampling.maxTokens(), CompletionRequest.DEFAULT_MAX_TOKENS, context,
                    prompt.length(), param);
            for (int k = 0; k < bestOf; k++) {
                jobs.add(new GenerationBatch.Job(prompt, sampling.options(max, p * bestOf + k, topLogprobs)));
                prefixes.add(request.echo() ? request.prompts().get(p) : "");
            }
            promptTokens += prompt.length();
            estimate += prompt.length() + max * bestOf;
        }
        return new Plan(jobs, prefixes, promptTokens, estimate, sampling.stream(), sampling.includeUsage(), "prompt",
                bestOf == sampling.n() ? UnaryOperator.identity() : best(bestOf, sampling.n()));
    }

    /** Each choice's echoed prompt, by choice index (for the stream's opening chunks). */
    static List<String> shownPrefixes(CompletionRequest request) {
        List<String> out = new ArrayList<>();
        for (String prompt : request.prompts()) {
            for (int j = 0; j < request.sampling().n(); j++) out.add(request.echo() ? prompt : "");
        }
        return out;
    }

    private static Prompt prompt(LiveDeployment deployment, String text, String param) {
        try {
            return deployment.model().textPrompt(text);
        } catch (InvalidPromptException e) {
            throw ApiException.invalid(param, e.getMessage());
        }
    }

    /** Of each prompt's {@code bestOf} candidates, the {@code n} the model was surest of (highest mean logprob). */
    private static UnaryOperator<List<ChoiceState>> best(int bestOf, int n) {
        return states -> {
            List<ChoiceState> out = new ArrayList<>();
            for (int from = 0; from < states.size(); from += bestOf) {
                states.subList(from, from + bestOf).stream()
                        .sorted(Comparator.comparingDouble(ChoiceState::meanLogprob).reversed())
                        .limit(n).forEach(out::add);
            }
            return out;
        };
    }
}
