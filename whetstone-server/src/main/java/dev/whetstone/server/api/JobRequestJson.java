package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.error.ApiException;
import dev.whetstone.graders.Graders;
import dev.whetstone.jobs.JobRequest;

/**
 * Reads a create-job body in either dialect (docs/reference/API.md 3.2, 3.3): hyperparameters at the top level (every client,
 * docs/reference/CLIENTS.md 14) or under {@code method.supervised} / {@code method.dpo} (OpenAI, Azure 2025-04), each
 * value "auto", null, -1 (Azure's auto) or a number; {@code method.type: "dpo"} adds {@code beta} and Azure's
 * {@code l2_multiplier}. Our extension {@code method.<type>.full_finetune: true} selects full fine-tuning instead of
 * LoRA. {@code method.type: "reinforcement"} is checked in full ({@link ReinforcementMethodJson}) and trains with
 * GRPO (LoRA); its grader's JSON is kept with the job's hyperparameters for the worker.
 * Shapes are checked here; ranges and references by JobService. Unknown fields (integrations, metadata,
 * trainingType) are ignored.
 */
final class JobRequestJson {
    private JobRequestJson() {}

    static JobRequest parse(ObjectNode body, Graders graders) {
        String model = Json.requiredText(body, "model");
        String training = Json.requiredText(body, "training_file");
        String validation = optionalText(body, "validation_file");
        String suffix = optionalText(body, "suffix");
        Long seed = optionalLong(body.get("seed"), "seed");
        TrainingSpec.Hyperparameters hyper = hyperparameters(body.get("hyperparameters"), "hyperparameters");
        TrainingSpec.Method method = TrainingSpec.Method.LORA;
        JsonNode m = body.get("method");
        if (m != null && !m.isNull()) {
            if (!m.isObject()) throw ApiException.invalid("method", "'method' must be an object like {\"type\": \"supervised\"}.");
            String type = m.path("type").asText("");
            if (type.equals("reinforcement")) {
                ReinforcementMethodJson.Parsed rl = ReinforcementMethodJson.parse(m.get("reinforcement"),
                        body.hasNonNull("hyperparameters"), graders);
                return new JobRequest(model, training, validation, suffix, seed, reinforcement(hyper, rl,
                        m.get("reinforcement").get("grader")), TrainingSpec.Method.LORA);
            }
            if (!type.equals("supervised") && !type.equals("dpo")) {
                throw ApiException.invalid("method.type", "Method type must be 'supervised', 'dpo' or 'reinforcement',"
                        + " got '" + type + "'.");
            }
            JsonNode settings = m.get(type);
            String path = "method." + type;
            if (settings != null && !settings.isNull()) {
                if (!settings.isObject()) throw ApiException.invalid(path, "'" + path + "' must be an object.");
                JsonNode nested = settings.get("hyperparameters");
                if (nested != null && !nested.isNull()) {
                    if (body.hasNonNull("hyperparameters")) {
                        throw ApiException.invalid(path + ".hyperparameters", "Give hyperparameters either at the top"
                                + " level or under " + path + ", not both.");
                    }
                    hyper = hyperparameters(nested, path + ".hyperparameters");
                }
                method = fullFinetune(settings.get("full_finetune"), path) ? TrainingSpec.Method.FULL : TrainingSpec.Method.LORA;
            }
            if (type.equals("dpo")) hyper = withDpo(hyper, settings == null ? null : settings.get("hyperparameters"));
        }
        return new JobRequest(model, training, validation, suffix, seed, hyper, method);
    }

    /**
     * A reinforcement job's hyperparameters: the common three from the top level or from
     * {@code method.reinforcement.hyperparameters} (the parser refuses both at once), the rest and the grader's JSON
     * in {@link TrainingSpec.Reinforcement}.
     */
    private static TrainingSpec.Hyperparameters reinforcement(TrainingSpec.Hyperparameters top,
                                                              ReinforcementMethodJson.Parsed rl, JsonNode grader) {
        Integer epochs = rl.nEpochs() != null ? rl.nEpochs() : top.nEpochs();
        Integer batch = rl.batchSize() != null ? rl.batchSize() : top.batchSize();
        Double lrm = rl.learningRateMultiplier() != null ? rl.learningRateMultiplier() : top.learningRateMultiplier();
        return new TrainingSpec.Hyperparameters(epochs, batch, lrm, null, new TrainingSpec.Reinforcement(
                grader.toString(), rl.evalInterval(), rl.evalSamples(), rl.computeMultiplier(), rl.reasoningEffort()));
    }

    /** DPO's own hyperparameters (beta, Azure's l2_multiplier) from {@code method.dpo.hyperparameters}, each possibly auto. */
    private static TrainingSpec.Hyperparameters withDpo(TrainingSpec.Hyperparameters h, JsonNode nested) {
        String param = "method.dpo.hyperparameters";
        Double beta = nested == null || nested.isNull() ? null : autoOrNumber(nested.get("beta"), param + ".beta");
        Double l2 = nested == null || nested.isNull() ? null
                : autoOrNumber(nested.get("l2_multiplier"), param + ".l2_multiplier");
        return new TrainingSpec.Hyperparameters(h.nEpochs(), h.batchSize(), h.learningRateMultiplier(),
                new TrainingSpec.Dpo(beta, l2));
    }

    private static boolean fullFinetune(JsonNode v, String path) {
        if (v == null || v.isNull()) return false;
        if (!v.isBoolean()) throw ApiException.invalid(path + ".full_finetune", "'full_finetune' must be true or false.");
        return v.asBoolean();
    }

    private static TrainingSpec.Hyperparameters hyperparameters(JsonNode h, String param) {
        if (h == null || h.isNull()) return TrainingSpec.Hyperparameters.auto();
        if (!h.isObject()) throw ApiException.invalid(param, "'" + param + "' must be an object.");
        Long epochs = autoOrWhole(h.get("n_epochs"), param + ".n_epochs");
        Long batch = autoOrWhole(h.get("batch_size"), param + ".batch_size");
        Double lrm = autoOrNumber(h.get("learning_rate_multiplier"), param + ".learning_rate_multiplier");
        return new TrainingSpec.Hyperparameters(clamp(epochs), clamp(batch), lrm);
    }

    /** Out-of-int values become a value the range check rejects with its own message. */
    private static Integer clamp(Long v) {
        return v == null ? null : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }

    private static Long autoOrWhole(JsonNode v, String param) {
        Double d = autoOrNumber(v, param);
        if (d == null) return null;
        if (d != Math.rint(d)) throw ApiException.invalid(param, "'" + param + "' must be a whole number or \"auto\", got " + v + ".");
        return (long) (double) d;
    }

    /** "auto", null and Azure's -1 all mean: let the service choose. */
    private static Double autoOrNumber(JsonNode v, String param) {
        if (v == null || v.isNull() || (v.isTextual() && v.asText().equals("auto"))) return null;
        if (!v.isNumber()) throw ApiException.invalid(param, "'" + param + "' must be a number or \"auto\", got " + v + ".");
        double d = v.asDouble();
        return d == -1 ? null : d;
    }

    private static String optionalText(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw ApiException.invalid(field, "'" + field + "' must be a string.");
        return v.asText();
    }

    private static Long optionalLong(JsonNode v, String field) {
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiException.invalid(field, "'" + field + "' must be an integer, got " + v + ".");
        }
        return v.asLong();
    }
}
