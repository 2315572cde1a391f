package dev.whetstone.graders;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.error.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A grader string with {@code {{ … }}} references, parsed once when the grader is validated. References name the
 * {@code item} namespace (the dataset row: {@code item.field}, {@code item.a.b}, {@code item.list.0}) or the
 * {@code sample} namespace ({@code sample.output_text}, or {@code sample.output_json} with an optional path).
 * Any other reference is refused at validation, so a run can only fail on data (a field the row lacks).
 */
public final class Template {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_\\-]+");

    /** A literal piece or a reference; exactly one of the two is set. */
    private record Part(String literal, List<String> path) {}

    private final String source;
    private final List<Part> parts;

    private Template(String source, List<Part> parts) {
        this.source = source;
        this.parts = parts;
    }

    public String source() { return source; }

    /** Whether the text names the model's answer (a grader that never does grades nothing the model wrote). */
    public boolean readsSample() {
        return parts.stream().anyMatch(p -> p.path != null && p.path.get(0).equals("sample"));
    }

    /** @throws ApiException 400 naming {@code param} for an unclosed or unknown reference */
    public static Template parse(String text, String param) {
        List<Part> parts = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int open = text.indexOf("{{", i);
            if (open < 0) {
                parts.add(new Part(text.substring(i), null));
                break;
            }
            if (open > i) parts.add(new Part(text.substring(i, open), null));
            int close = text.indexOf("}}", open + 2);
            if (close < 0) {
                throw ApiException.invalid(param, "'" + param + "' has a '{{' at character " + open
                        + " without its closing '}}'.");
            }
            String ref = text.substring(open + 2, close).strip();
            parts.add(new Part(null, reference(ref, param)));
            i = close + 2;
        }
        return new Template(text, List.copyOf(parts));
    }

    private static List<String> reference(String ref, String param) {
        List<String> path = List.of(ref.split("\\.", -1));
        for (String s : path) {
            if (!SEGMENT.matcher(s).matches()) {
                throw ApiException.invalid(param, "'" + param + "' has an invalid template reference '{{" + ref
                        + "}}': use {{item.<field>}}, {{sample.output_text}} or {{sample.output_json.<field>}}.");
            }
        }
        String ns = path.get(0);
        boolean ok = switch (ns) {
            case "item" -> path.size() >= 2;
            case "sample" -> path.size() >= 2 && (path.get(1).equals("output_text") && path.size() == 2
                    || path.get(1).equals("output_json"));
            default -> false;
        };
        if (!ok) {
            throw ApiException.invalid(param, "'" + param + "' references '{{" + ref + "}}'; templates may name "
                    + "{{item.<field>}}, {{sample.output_text}} or {{sample.output_json}} (with an optional path).");
        }
        return path;
    }

    /** @throws MissingVariableException when the sample or item lacks a referenced value */
    public String render(GradingSample sample) {
        StringBuilder out = new StringBuilder();
        for (Part p : parts) {
            if (p.literal != null) out.append(p.literal);
            else out.append(value(p.path, sample));
        }
        return out.toString();
    }

    private static String value(List<String> path, GradingSample sample) {
        String ref = String.join(".", path);
        if (path.get(0).equals("sample") && path.get(1).equals("output_text")) return sample.outputText();
        JsonNode node;
        int from;
        if (path.get(0).equals("sample")) {
            node = sample.outputJson();
            if (node == null) throw new MissingVariableException(ref, "the model sample is not valid JSON");
            from = 2;
        } else {
            node = sample.item();
            from = 1;
        }
        for (int k = from; k < path.size(); k++) {
            String key = path.get(k);
            JsonNode next = node.isArray() && key.chars().allMatch(Character::isDigit) && key.length() < 10
                    ? node.get(Integer.parseInt(key)) : node.get(key);
            if (next == null || next.isNull()) throw new MissingVariableException(ref, "it has no value");
            node = next;
        }
        return node.isTextual() ? node.asText() : node.isValueNode() ? node.asText() : node.toString();
    }

    /** A reference the sample or item cannot fill: the grade is 0 with {@code invalid_variable_error}. */
    public static final class MissingVariableException extends RuntimeException {
        public MissingVariableException(String ref, String why) {
            super("{{" + ref + "}} cannot be filled: " + why + ".");
        }
    }
}
