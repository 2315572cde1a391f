package dev.whetstone.graders;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.error.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link Grader} from the API's JSON ({@code Grader*} schemas) and refuses anything the grader could not
 * run with a 400 whose {@code param} is the field's path ({@code grader.graders.tag.operation}) and whose message
 * names the allowed values. Fields the schemas do not know are ignored, as elsewhere in the API.
 *
 * <p>Beyond the schemas: templates must name {@code item.*} or {@code sample.output_text}/{@code output_json};
 * {@code cosine} is refused (no embedding model is served here); model graders' {@code model} must be a ready
 * deployment with a chat template, and their content parts text ({@code input_image}/{@code input_audio} are
 * refused: no served architecture reads them); python sources must parse and define {@code grade}.
 */
public final class GraderParser {
    public static final List<String> TOP_LEVEL_TYPES = List.of("string_check", "text_similarity", "python", "score_model", "multi");
    static final List<String> SUB_GRADER_TYPES = List.of("string_check", "text_similarity", "python", "score_model", "label_model");
    private static final List<String> ROLES = List.of("user", "assistant", "system", "developer");

    private final GraderModel models;
    private final PythonSandbox python;

    public GraderParser(GraderModel models, PythonSandbox python) {
        this.models = models;
        this.python = python;
    }

    /** A grader as a job or {@code graders/run} gives it ({@code label_model} only inside {@code multi}, per the spec). */
    public Grader parse(JsonNode node, String path) {
        return parse(node, path, TOP_LEVEL_TYPES);
    }

    private Grader parse(JsonNode node, String path, List<String> types) {
        if (node == null || node.isNull()) throw ApiException.invalid(path, "'" + path + "' is required: a grader object.");
        if (!node.isObject()) throw ApiException.invalid(path, "'" + path + "' must be a grader object, found " + kind(node) + ".");
        String type = requiredText(node, "type", path);
        if (!types.contains(type)) {
            String hint = type.equals("label_model") ? " (label_model is allowed only inside a multi grader's graders)"
                    : type.equals("multi") && types == SUB_GRADER_TYPES ? " (a multi grader cannot contain another multi grader)" : "";
            throw ApiException.invalid(path + ".type", "'" + path + ".type' must be one of " + types + ", got '" + type + "'" + hint + ".");
        }
        String name = requiredText(node, "name", path);
        return switch (type) {
            case "string_check" -> new Grader.StringCheck(name, template(node, "input", path), template(node, "reference", path),
                    enumValue(node, "operation", path, StringOperation.class));
            case "text_similarity" -> textSimilarity(node, name, path);
            case "python" -> pythonGrader(node, name, path);
            case "score_model", "label_model" -> model(node, name, type, path);
            default -> multi(node, name, path);
        };
    }

    private Grader textSimilarity(JsonNode node, String name, String path) {
        Template input = template(node, "input", path);
        Template reference = template(node, "reference", path);
        SimilarityMetric metric = enumValue(node, "evaluation_metric", path, SimilarityMetric.class);
        if (metric == SimilarityMetric.COSINE) {
            throw ApiException.invalid(path + ".evaluation_metric", "'cosine' compares embeddings, and this service "
                    + "serves no embedding model; use fuzzy_match, bleu, gleu, meteor, rouge_1 … rouge_5 or rouge_l.");
        }
        return new Grader.TextSimilarity(name, input, reference, metric);
    }

    private Grader pythonGrader(JsonNode node, String name, String path) {
        String source = requiredText(node, "source", path);
        String imageTag = optionalText(node, "image_tag", path);
        if (source.getBytes(StandardCharsets.UTF_8).length > PythonSandbox.MAX_SOURCE_BYTES) {
            throw ApiException.invalid(path + ".source", "'" + path + ".source' is larger than "
                    + PythonSandbox.MAX_SOURCE_BYTES / 1024 + " KiB.");
        }
        if (!python.available()) throw ApiException.invalid(path + ".type", python.unavailableReason());
        PythonSandbox.Outcome checked = python.check(source);
        if (checked.serverError() != null) throw new ApiException(dev.whetstone.error.ErrorCode.SERVICE_UNAVAILABLE, checked.serverError());
        if (checked.syntaxError() != null) {
            throw ApiException.invalid(path + ".source", "'" + path + ".source' cannot be used: " + checked.syntaxError() + ".");
        }
        if (checked.runtimeError() != null) {
            throw ApiException.invalid(path + ".source", "'" + path + ".source' could not be checked: " + checked.runtimeError());
        }
        return new Grader.Python(name, source, imageTag);
    }

    private Grader model(JsonNode node, String name, String type, String path) {
        String model = requiredText(node, "model", path);
        JsonNode input = node.get("input");
        if (input == null || input.isNull()) throw ApiException.invalid(path + ".input", "'" + path + ".input' is required: an array of messages.");
        if (!input.isArray() || input.isEmpty()) {
            throw ApiException.invalid(path + ".input", "'" + path + ".input' must be a non-empty array of {\"role\", \"content\"} messages.");
        }
        List<Grader.InputMessage> messages = new ArrayList<>();
        for (int i = 0; i < input.size(); i++) messages.add(message(input.get(i), path + ".input[" + i + "]"));
        Grader.ModelSampling sampling = sampling(node.get("sampling_params"), path + ".sampling_params");
        double low = 0, high = 1;
        List<String> labels = null, passing = null;
        if (type.equals("score_model")) {
            JsonNode range = node.get("range");
            if (range != null && !range.isNull()) {
                if (!range.isArray() || range.size() != 2 || !range.get(0).isNumber() || !range.get(1).isNumber()
                        || !(range.get(0).asDouble() < range.get(1).asDouble())) {
                    throw ApiException.invalid(path + ".range", "'" + path + ".range' must be two numbers [low, high] with low < high, got " + range + ".");
                }
                low = range.get(0).asDouble();
                high = range.get(1).asDouble();
            }
        } else {
            labels = strings(node, "labels", path);
            passing = strings(node, "passing_labels", path);
            for (String p : passing) {
                if (!labels.contains(p)) {
                    throw ApiException.invalid(path + ".passing_labels", "'" + path + ".passing_labels' must be a subset of labels "
                            + labels + "; '" + p + "' is not one of them.");
                }
            }
        }
        models.check(model, path + ".model");
        return new Grader.Model(name, type, model, List.copyOf(messages), sampling, low, high, labels, passing);
    }

    private static Grader.InputMessage message(JsonNode m, String path) {
        if (!m.isObject()) throw ApiException.invalid(path, "'" + path + "' must be a message object, found " + kind(m) + ".");
        String role = requiredText(m, "role", path);
        if (!ROLES.contains(role)) throw ApiException.invalid(path + ".role", "'" + path + ".role' must be one of " + ROLES + ", got '" + role + "'.");
        String t = optionalText(m, "type", path);
        if (t != null && !t.equals("message")) throw ApiException.invalid(path + ".type", "'" + path + ".type' must be 'message', got '" + t + "'.");
        JsonNode content = m.get("content");
        String cpath = path + ".content";
        if (content == null || content.isNull()) throw ApiException.invalid(cpath, "'" + cpath + "' is required.");
        List<Template> parts = new ArrayList<>();
        if (content.isArray()) {
            if (content.isEmpty()) throw ApiException.invalid(cpath, "'" + cpath + "' must not be empty.");
            for (int i = 0; i < content.size(); i++) parts.add(contentItem(content.get(i), cpath + "[" + i + "]"));
        } else {
            parts.add(contentItem(content, cpath));
        }
        return new Grader.InputMessage(role.equals("developer") ? "system" : role, List.copyOf(parts));
    }

    private static Template contentItem(JsonNode c, String path) {
        if (c.isTextual()) return Template.parse(c.asText(), path);
        if (!c.isObject()) throw ApiException.invalid(path, "'" + path + "' must be a string or a content object, found " + kind(c) + ".");
        String type = requiredText(c, "type", path);
        return switch (type) {
            case "input_text", "output_text" -> Template.parse(requiredText(c, "text", path), path + ".text");
            case "input_image", "input_audio" -> throw ApiException.invalid(path + ".type", "'" + type + "' content "
                    + "cannot be graded here: the grader model is one of this service's deployments, and none of the "
                    + "served architectures reads images or audio. Use input_text.");
            default -> throw ApiException.invalid(path + ".type", "'" + path + ".type' must be one of [input_text, "
                    + "output_text, input_image, input_audio], got '" + type + "'.");
        };
    }

    private static Grader.ModelSampling sampling(JsonNode s, String path) {
        if (s == null || s.isNull()) return new Grader.ModelSampling(null, null, null, null);
        if (!s.isObject()) throw ApiException.invalid(path, "'" + path + "' must be an object.");
        Double temperature = number(s, "temperature", path, 0, 2);
        Double topP = number(s, "top_p", path, 0, 1);
        if (topP != null && topP == 0) throw ApiException.invalid(path + ".top_p", "'" + path + ".top_p' must be above 0 and at most 1.");
        Long seed = null;
        JsonNode sv = s.get("seed");
        if (sv != null && !sv.isNull()) {
            if (!sv.isIntegralNumber() || !sv.canConvertToLong()) throw ApiException.invalid(path + ".seed", "'" + path + ".seed' must be an integer.");
            seed = sv.asLong();
        }
        Integer max = null;
        JsonNode mv = s.get("max_completions_tokens");
        if (mv != null && !mv.isNull()) {
            if (!mv.isIntegralNumber() || !mv.canConvertToInt() || mv.asInt() < 1) {
                throw ApiException.invalid(path + ".max_completions_tokens", "'" + path + ".max_completions_tokens' must be a whole number of at least 1.");
            }
            max = mv.asInt();
        }
        JsonNode effort = s.get("reasoning_effort");
        if (effort != null && !effort.isNull()) {
            List<String> allowed = List.of("none", "minimal", "low", "medium", "high");
            if (!effort.isTextual() || !allowed.contains(effort.asText())) {
                throw ApiException.invalid(path + ".reasoning_effort", "'" + path + ".reasoning_effort' must be one of " + allowed + ".");
            }
            // Accepted for compatibility; the served open-weight models have no reasoning-effort control.
        }
        return new Grader.ModelSampling(temperature, topP, seed, max);
    }

    private Grader multi(JsonNode node, String name, String path) {
        JsonNode graders = node.get("graders");
        String gpath = path + ".graders";
        if (graders == null || graders.isNull()) throw ApiException.invalid(gpath, "'" + gpath + "' is required.");
        Map<String, Grader> subs = new LinkedHashMap<>();
        if (graders.isArray()) {
            // The spec's example form: a list, each referenced in the formula by its name.
            if (graders.isEmpty()) throw ApiException.invalid(gpath, "'" + gpath + "' must hold at least one grader.");
            for (int i = 0; i < graders.size(); i++) add(subs, parse(graders.get(i), gpath + "[" + i + "]", SUB_GRADER_TYPES), gpath + "[" + i + "]");
        } else if (graders.isObject() && graders.get("type") != null && graders.get("type").isTextual()) {
            // The schema's form: one grader object.
            add(subs, parse(graders, gpath, SUB_GRADER_TYPES), gpath);
        } else if (graders.isObject()) {
            // The graders guide's form: {key: grader}, each referenced by its key.
            if (graders.isEmpty()) throw ApiException.invalid(gpath, "'" + gpath + "' must hold at least one grader.");
            for (var it = graders.fields(); it.hasNext(); ) {
                var e = it.next();
                subs.put(e.getKey(), parse(e.getValue(), gpath + "." + e.getKey(), SUB_GRADER_TYPES));
            }
        } else {
            throw ApiException.invalid(gpath, "'" + gpath + "' must be a grader, a list of graders or an object of named graders, found " + kind(graders) + ".");
        }
        String formula = requiredText(node, "calculate_output", path);
        return new Grader.Multi(name, subs, Formula.parse(formula, subs.keySet(), path + ".calculate_output"));
    }

    private static void add(Map<String, Grader> subs, Grader g, String path) {
        if (subs.put(g.name(), g) != null) {
            throw ApiException.invalid(path + ".name", "Two graders are named '" + g.name() + "'; the formula refers to them by name, so names must differ.");
        }
    }

    private static List<String> strings(JsonNode node, String field, String path) {
        JsonNode v = node.get(field);
        String p = path + "." + field;
        if (v == null || v.isNull()) throw ApiException.invalid(p, "'" + p + "' is required: a non-empty array of strings.");
        if (!v.isArray() || v.isEmpty()) throw ApiException.invalid(p, "'" + p + "' must be a non-empty array of strings.");
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) throw ApiException.invalid(p + "[" + i + "]", "'" + p + "[" + i + "]' must be a string.");
            if (!seen.add(v.get(i).asText())) throw ApiException.invalid(p + "[" + i + "]", "'" + p + "' lists '" + v.get(i).asText() + "' twice.");
            out.add(v.get(i).asText());
        }
        return List.copyOf(out);
    }

    private static Double number(JsonNode node, String field, String path, double min, double max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        String p = path + "." + field;
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            throw ApiException.invalid(p, "'" + p + "' must be a number from " + min + " to " + max + ", got " + v + ".");
        }
        return v.asDouble();
    }

    private static Template template(JsonNode node, String field, String path) {
        return Template.parse(requiredText(node, field, path), path + "." + field);
    }

    private static <E extends Enum<E>> E enumValue(JsonNode node, String field, String path, Class<E> type) {
        String v = requiredText(node, field, path);
        List<String> allowed = Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(java.util.Locale.ROOT)).toList();
        int i = allowed.indexOf(v);
        if (i < 0) throw ApiException.invalid(path + "." + field, "'" + path + "." + field + "' must be one of " + allowed + ", got '" + v + "'.");
        return type.getEnumConstants()[i];
    }

    static String requiredText(JsonNode node, String field, String path) {
        JsonNode v = node.get(field);
        String p = path + "." + field;
        if (v == null || v.isNull()) throw ApiException.invalid(p, "'" + p + "' is required.");
        if (!v.isTextual()) throw ApiException.invalid(p, "'" + p + "' must be a string, found " + kind(v) + ".");
        return v.asText();
    }

    private static String optionalText(JsonNode node, String field, String path) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw ApiException.invalid(path + "." + field, "'" + path + "." + field + "' must be a string.");
        return v.asText();
    }

    private static String kind(JsonNode n) {
        return n.isObject() ? "an object" : n.isArray() ? "an array" : n.isTextual() ? "a string"
                : n.isNumber() ? "a number" : n.isBoolean() ? "a boolean" : "null";
    }
}
