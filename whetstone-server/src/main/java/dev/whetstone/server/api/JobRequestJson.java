package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.error.ApiException;
import dev.whetstone.graders.Graders;
import dev.whetstone.jobs.JobIntegration;
import dev.whetstone.jobs.JobRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a create-job body in either dialect (docs/reference/API.md 3.2, 3.3): hyperparameters at the top level (every client,
 * docs/reference/CLIENTS.md 14) or under {@code method.supervised} / {@code method.dpo} (OpenAI, Azure 2025-04), each
 * value "auto", null, -1 (Azure's auto) or a number; {@code method.type: "dpo"} adds {@code beta} and Azure's
 * {@code l2_multiplier}. Our extension {@code method.<type>.full_finetune: true} selects full fine-tuning instead of
 * LoRA. {@code method.type: "reinforcement"} is checked in full ({@link ReinforcementMethodJson}) and trains with
 * GRPO (LoRA); its grader's JSON is kept with the job's hyperparameters for the worker.
 * {@code metadata} (string pairs) and {@code integrations} ({@code [{type:"wandb", wandb:{project, name?, entity?,
 * tags?}}]}) are read here with precise 400s for their shapes; their limits are JobMetadata's and JobIntegration's.
 * Shapes are checked here; ranges and references by JobService. Unknown fields (trainingType) are ignored.
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
        return new JobRequest(model, training, validation, suffix, seed, hyper, method,
                metadata(body.get("metadata")), integrations(body.get("integrations")));
    }

    private static Map<String, String> metadata(JsonNode m) {
        if (m == null || m.isNull()) return null;
        if (!m.isObject()) throw ApiException.invalid("metadata", "'metadata' must be an object of string values, got " + kind(m) + ".");
        Map<String, String> pairs = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : m.properties()) {
            if (!e.getValue().isTextual()) {
                throw ApiException.invalid("metadata." + e.getKey(), "'metadata." + e.getKey() + "' must be a string, got "
                        + kind(e.getValue()) + ".");
            }
            pairs.put(e.getKey(), e.getValue().asText());
        }
        return pairs;
    }

    private static List<JobIntegration> integrations(JsonNode list) {
        if (list == null || list.isNull()) return List.of();
        if (!list.isArray()) throw ApiException.invalid("integrations", "'integrations' must be a list, got " + kind(list) + ".");
        List<JobIntegration> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "integrations[" + i + "]";
            JsonNode item = list.get(i);
            if (!item.isObject()) throw ApiException.invalid(at, "'" + at + "' must be an object, got " + kind(item) + ".");
            JsonNode type = item.get("type");
            if (type == null || !type.isTextual() || !type.asText().equals(JobIntegration.WANDB)) {
                throw ApiException.invalid(at + ".type", "'" + at + ".type' must be \"wandb\", the only integration type, got "
                        + (type == null ? "nothing" : type.toString()) + ".");
            }
            JsonNode w = item.get("wandb");
            if (w == null || !w.isObject()) {
                throw ApiException.invalid(at + ".wandb", "'" + at + ".wandb' must be an object with at least 'project'.");
            }
            for (var field : w.properties()) {
                if (!WANDB_FIELDS.contains(field.getKey())) {
                    throw ApiException.invalid(at + ".wandb." + field.getKey(), "Unknown field '" + at + ".wandb."
                            + field.getKey() + "'; allowed: " + String.join(", ", WANDB_FIELDS) + ".");
                }
            }
            JsonNode project = w.get("project");
            if (project == null || !project.isTextual() || project.asText().isBlank()) {
                throw ApiException.invalid(at + ".wandb.project", "'" + at + ".wandb.project' must be a non-empty string.");
            }
            List<String> tags = new ArrayList<>();
            JsonNode t = w.get("tags");
            if (t != null && !t.isNull()) {
                if (!t.isArray()) throw ApiException.invalid(at + ".wandb.tags", "'" + at + ".wandb.tags' must be a list of strings.");
                for (int k = 0; k < t.size(); k++) {
                    if (!t.get(k).isTextual()) {
                        throw ApiException.invalid(at + ".wandb.tags[" + k + "]", "'" + at + ".wandb.tags[" + k
                                + "]' must be a string, got " + kind(t.get(k)) + ".");
                    }
                    tags.add(t.get(k).asText());
                }
            }
            out.add(new JobIntegration(JobIntegration.WANDB, new JobIntegration.Wandb(project.asText(),
                    nullableText(w, "name", at + ".wandb.name"), nullableText(w, "entity", at + ".wandb.entity"), tags)));
        }
        return out;
    }

    private static final List<String> WANDB_FIELDS = List.of("project", "name", "entity", "tags");

    private static String nullableText(JsonNode o, String field, String param) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw ApiException.invalid(param, "'" + param + "' must be a string or null, got " + kind(v) + ".");
        return v.asText();
    }

    private static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case NUMBER -> "the number " + v;
            case BOOLEAN -> v.toString();
            case STRING -> "a string";
            default -> v.toString();
        };
    }

    /**
     * A reinforcement job's hyperparameters: the common three from the top level or from
     * {@code method.reinforcement.hyperparameters} (the parser refuses both at once), the rest, the grader's JSON and
     * the response format's in {@link TrainingSpec.Reinforcement}.
     */
    private static TrainingSpec.Hyperparameters reinforcement(TrainingSpec.Hyperparameters top,
                                                              ReinforcementMethodJson.Parsed rl, JsonNode grader) {
        Integer epochs = rl.nEpochs() != null ? rl.nEpochs() : top.nEpochs();
        Integer batch = rl.batchSize() != null ? rl.batchSize() : top.batchSize();
        Double lrm = rl.learningRateMultiplier() != null ? rl.learningRateMultiplier() : top.learningRateMultiplier();
        return new TrainingSpec.Hyperparameters(epochs, batch, lrm, null, new TrainingSpec.Reinforcement(
                grader.toString(), rl.evalInterval(), rl.evalSamples(), rl.computeMultiplier(), rl.reasoningEffort(),
                rl.responseFormat() == null ? null : rl.responseFormat().toString()));
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
