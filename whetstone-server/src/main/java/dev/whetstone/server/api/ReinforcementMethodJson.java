package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.engine.inference.OutputConstraint;
import dev.whetstone.engine.inference.schema.ResponseFormats;
import dev.whetstone.engine.inference.schema.SchemaException;
import dev.whetstone.error.ApiException;
import dev.whetstone.graders.Grader;
import dev.whetstone.graders.Graders;
import java.util.List;
import java.util.Map;

/**
 * {@code method: {"type": "reinforcement", "reinforcement": {grader, hyperparameters, response_format?}}} (OpenAI's
 * {@code FineTuneReinforcementMethod} and {@code FineTuneReinforcementHyperparameters}), checked field by field:
 * the grader as {@code graders/validate} checks it, each hyperparameter against the spec's range or "auto".
 *
 * <p>{@code response_format} ({@code text}, {@code json_object} or {@code json_schema}) is compiled here as chat
 * completions compile it, so a schema outside the enforced subset is a 400 naming its keyword; the trainer then
 * constrains every sampled answer to it (docs/fine-tuning-jobs.md "Reinforcement").
 */
final class ReinforcementMethodJson {
    private static final String PATH = "method.reinforcement";
    private static final List<String> EFFORTS = List.of("default", "low", "medium", "high");
    private static final List<String> HYPERPARAMETERS = List.of("n_epochs", "batch_size", "learning_rate_multiplier",
            "eval_interval", "eval_samples", "compute_multiplier", "reasoning_effort");

    private ReinforcementMethodJson() {}

    /** The checked method: its grader, hyperparameters (null = auto) and response format (null = free text). */
    record Parsed(Grader grader, Integer nEpochs, Integer batchSize, Double learningRateMultiplier,
                  Integer evalInterval, Integer evalSamples, Double computeMultiplier, String reasoningEffort,
                  JsonNode responseFormat) {}

    static Parsed parse(JsonNode settings, boolean topLevelHyperparameters, Graders graders) {
        if (settings == null || settings.isNull()) {
            throw ApiException.invalid(PATH, "'" + PATH + "' is required for a reinforcement job: {\"grader\": {...},"
                    + " \"hyperparameters\": {...}}.");
        }
        if (!settings.isObject()) throw ApiException.invalid(PATH, "'" + PATH + "' must be an object.");
        Grader grader = graders.parse(settings.get("grader"), PATH + ".grader");
        JsonNode h = settings.get("hyperparameters");
        String hp = PATH + ".hyperparameters";
        if (h != null && !h.isNull() && topLevelHyperparameters) {
            throw ApiException.invalid(hp, "Give hyperparameters either at the top level or under " + PATH + ", not both.");
        }
        if (h != null && !h.isNull() && !h.isObject()) throw ApiException.invalid(hp, "'" + hp + "' must be an object.");
        if (h == null || h.isNull()) h = Json.MAPPER.createObjectNode();
        for (Map.Entry<String, JsonNode> e : h.properties()) {
            if (!HYPERPARAMETERS.contains(e.getKey())) {
                throw ApiException.invalid(hp + "." + e.getKey(), "'" + e.getKey() + "' is not a reinforcement"
                        + " hyperparameter; allowed: " + HYPERPARAMETERS + ".");
            }
        }
        Integer epochs = whole(h.get("n_epochs"), hp + ".n_epochs", 1, 50);
        Integer batch = whole(h.get("batch_size"), hp + ".batch_size", 1, 256);
        Double lrm = number(h.get("learning_rate_multiplier"), hp + ".learning_rate_multiplier", 0, Double.MAX_VALUE,
                "greater than 0");
        Integer interval = whole(h.get("eval_interval"), hp + ".eval_interval", 1, Integer.MAX_VALUE);
        Integer samples = whole(h.get("eval_samples"), hp + ".eval_samples", 1, Integer.MAX_VALUE);
        Double compute = number(h.get("compute_multiplier"), hp + ".compute_multiplier", 0.00001, 10,
                "greater than 0.00001 and at most 10");
        String effort = null;
        JsonNode ev = h.get("reasoning_effort");
        if (ev != null && !ev.isNull()) {
            if (!ev.isTextual() || !EFFORTS.contains(ev.asText())) {
                throw ApiException.invalid(hp + ".reasoning_effort", "'" + hp + ".reasoning_effort' must be one of "
                        + EFFORTS + ", got " + ev + ".");
            }
            effort = ev.asText();
        }
        JsonNode format = settings.get("response_format");
        OutputConstraint constraint;
        try {
            constraint = ResponseFormats.parse(format, PATH + ".response_format");
        } catch (SchemaException e) {
            throw ApiException.invalid(e.path(), e.getMessage());
        }
        // text needs nothing stored: the sampler then draws free text, as without the field
        if (constraint == OutputConstraint.NONE) format = null;
        return new Parsed(grader, epochs, batch, lrm, interval, samples, compute, effort, format);
    }

    private static Integer whole(JsonNode v, String param, long min, long max) {
        if (auto(v)) return null;
        if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
            throw ApiException.invalid(param, "'" + param + "' must be a whole number from " + min + " to " + max + " or \"auto\", got " + v + ".");
        }
        double d = v.asDouble();
        if (d < min || d > max) {
            throw ApiException.invalid(param, "'" + param + "' must be from " + min + " to " + max + " or \"auto\", got " + v + ".");
        }
        return (int) d;
    }

    private static Double number(JsonNode v, String param, double exclusiveMin, double max, String range) {
        if (auto(v)) return null;
        if (!v.isNumber() || !(v.asDouble() > exclusiveMin) || v.asDouble() > max) {
            throw ApiException.invalid(param, "'" + param + "' must be a number " + range + ", or \"auto\", got " + v + ".");
        }
        return v.asDouble();
    }

    private static boolean auto(JsonNode v) {
        return v == null || v.isNull() || (v.isTextual() && v.asText().equals("auto"));
    }
}
