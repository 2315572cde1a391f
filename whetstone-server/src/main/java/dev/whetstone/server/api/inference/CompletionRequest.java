package dev.whetstone.server.api.inference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.error.ApiException;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated completions body (docs/reference/API.md 6.2).
 *
 * @param logprobs how many alternatives per token to report (0–5); null for no logprobs
 * @param bestOf   candidates generated per prompt, of which the n with the highest mean token log-probability are
 *                 returned; equal to n unless asked for
 */
record CompletionRequest(List<String> prompts, Sampling sampling, boolean echo, Integer logprobs, int bestOf) {
    /** OpenAI's documented default for completions: short, as the legacy API always was. */
    static final int DEFAULT_MAX_TOKENS = 16;
    /** Generations one request may start (prompts × best_of): the same bound as chat's n, so one call cannot flood the queue. */
    static final int MAX_GENERATIONS = 128;

    static CompletionRequest parse(BodyFields f) {
        if (f.has("suffix")) {
            throw ApiException.invalid("suffix", "'suffix' (insertion) is not supported by this service; remove it.");
        }
        List<String> prompts = prompts(f.body().get("prompt"));
        Sampling sampling = Sampling.parse(f);
        Integer bestOf = f.integer("best_of", 1, 20);
        if (bestOf != null && bestOf < sampling.n()) {
            throw ApiException.invalid("best_of", "'best_of' (" + bestOf + ") must be at least 'n' (" + sampling.n() + ").");
        }
        if (bestOf != null && bestOf > sampling.n() && sampling.stream()) {
            throw ApiException.invalid("best_of", "'best_of' greater than 'n' cannot be streamed: the best candidates are "
                    + "only known at the end. Remove best_of or stream.");
        }
        int perPrompt = bestOf == null ? sampling.n() : bestOf;
        if ((long) prompts.size() * perPrompt > MAX_GENERATIONS) {
            throw ApiException.invalid("prompt", prompts.size() + " prompts × " + perPrompt + " choices each would start "
                    + prompts.size() * perPrompt + " generations; at most " + MAX_GENERATIONS + " per request. Send fewer "
                    + "prompts, a smaller n (or best_of), or split the request.");
        }
        return new CompletionRequest(prompts, sampling, f.bool("echo"), f.integer("logprobs", 0, 5), perPrompt);
    }

    /** Index of choice {@code j} of prompt {@code p} in the response: prompts in order, each prompt's n choices together. */
    int index(int prompt, int j) { return prompt * sampling.n() + j; }

    private static List<String> prompts(JsonNode prompt) {
        String shape = "'prompt' is required: a string or an array of strings";
        if (prompt == null || prompt.isNull()) throw ApiException.invalid("prompt", shape + ".");
        if (prompt.isTextual()) return List.of(prompt.textValue());
        if (!prompt.isArray() || prompt.isEmpty()) throw ApiException.invalid("prompt", shape + ", got " + BodyFields.shown(prompt) + ".");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < prompt.size(); i++) {
            JsonNode p = prompt.get(i);
            if (!p.isTextual()) {
                throw ApiException.invalid("prompt[" + i + "]", shape + "; prompt[" + i + "] is " + BodyFields.shown(p)
                        + (p.isNumber() || p.isArray() ? " (token-id prompts are not supported; send text)." : "."));
            }
            out.add(p.textValue());
        }
        return out;
    }
}
