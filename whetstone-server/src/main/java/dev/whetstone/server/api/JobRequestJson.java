package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.error.ApiException;
import dev.whetstone.jobs.JobRequest;

/**
 * Reads a create-job body in either dialect (docs/reference/API.md 3.2, 3.3): hyperparameters at the top level (every client,
 * docs/reference/CLIENTS.md 14) or under {@code method.supervised} (OpenAI), each value "auto", null, -1 (Azure's auto) or a
 * number. Our extension {@code method.supervised.full_finetune: true} selects full fine-tuning instead of LoRA.
 * Shapes are checked here; ranges and references by JobService. Unknown fields (integrations, metadata,
 * trainingType) are ignored.
 */
final class JobRequestJson {
    private JobRequestJson() {}

    static JobRequest parse(ObjectNode body) {
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
            if (!type.equals("supervised")) {
                throw ApiException.invalid("method.type", "Only method type 'supervised' is supported, got '" + type + "'.");
            }
            JsonNode supervised = m.get("supervised");
            if (supervised != null && !supervised.isNull()) {
                if (!supervised.isObject()) throw ApiException.invalid("method.supervised", "'method.supervised' must be an object.");
                JsonNode nested = supervised.get("hyperparameters");
                if (nested != null && !nested.isNull()) {
                    if (body.hasNonNull("hyperparameters")) {
                        throw ApiException.invalid("method.supervised.hyperparameters", "Give hyperparameters either at "
                                + "the top level or under method.supervised, not both.");
                    }
                    hyper = hyperparameters(nested, "method.supervised.hyperparameters");
                }
                method = fullFinetune(supervised.get("full_finetune")) ? TrainingSpec.Method.FULL : TrainingSpec.Method.LORA;
            }
        }
        return new JobRequest(model, training, validation, suffix, seed, hyper, method);
    }

    private static boolean fullFinetune(JsonNode v) {
        if (v == null || v.isNull()) return false;
        if (!v.isBoolean()) throw ApiException.invalid("method.supervised.full_finetune", "'full_finetune' must be true or false.");
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
