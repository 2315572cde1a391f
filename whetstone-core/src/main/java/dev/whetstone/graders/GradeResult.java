package dev.whetstone.graders;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One grading: the reward and what the API's run response reports about it. A grader that fails on this sample
 * (a missing item field, a Python exception, an unparsable model reply) gives reward 0 with the matching error
 * flags and details, as the run response's {@code errors} object expects; a malformed grader never gets here (the
 * parser refuses it).
 *
 * @param details        {@code python_grader_server_error_type}, {@code python_grader_runtime_error_details},
 *                       {@code model_grader_server_error_details} when set, and {@code message}: our explanation of
 *                       any other error
 * @param subRewards     a multi grader's sub-grader rewards by key; empty otherwise
 * @param usagePerModel  model graders' token counts by the name of the model that answered
 */
public record GradeResult(String name, String type, double reward, Set<GradeError> errors, Map<String, String> details,
                          double executionSeconds, Map<String, Double> subRewards, Map<String, TokenUsage> usagePerModel,
                          String sampledModelName) {
    public GradeResult {
        errors = errors.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(errors));
        details = Map.copyOf(details);
        subRewards = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(subRewards));
        usagePerModel = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(usagePerModel));
    }

    public record TokenUsage(long promptTokens, long completionTokens) {
        public long totalTokens() { return promptTokens + completionTokens; }

        TokenUsage plus(TokenUsage o) {
            return new TokenUsage(promptTokens + o.promptTokens, completionTokens + o.completionTokens);
        }
    }

    /** Every model grader's tokens together, or null when no model was asked (the API's {@code token_usage}). */
    public Long totalTokens() {
        return usagePerModel.isEmpty() ? null : usagePerModel.values().stream().mapToLong(TokenUsage::totalTokens).sum();
    }

    static Map<String, TokenUsage> merge(Map<String, TokenUsage> a, Map<String, TokenUsage> b) {
        Map<String, TokenUsage> out = new LinkedHashMap<>(a);
        b.forEach((k, v) -> out.merge(k, v, TokenUsage::plus));
        return out;
    }
}
