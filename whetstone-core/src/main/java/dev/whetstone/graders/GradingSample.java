package dev.whetstone.graders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a grader sees: the model's answer (the {@code sample} namespace of templates) and the dataset row (the
 * {@code item} namespace). {@code outputJson} is the answer parsed as JSON when it is valid JSON, else null — the
 * API says {@code output_json} "will be populated if the model sample is a valid JSON string".
 */
public record GradingSample(String outputText, JsonNode outputJson, ObjectNode item) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public GradingSample {
        if (outputText == null) throw new IllegalArgumentException("outputText");
        if (item == null) item = JsonNodeFactory.instance.objectNode();
    }

    /** The sample namespace from a model's text answer; {@code output_json} only when the whole text is JSON. */
    public static GradingSample of(String outputText, ObjectNode item) {
        return new GradingSample(outputText, parseJson(outputText), item);
    }

    private static JsonNode parseJson(String text) {
        String t = text.strip();
        if (t.isEmpty()) return null;
        try {
            // readTree accepts trailing content silently only up to the first value; require it all to be one value.
            var parser = JSON.createParser(t);
            JsonNode node = JSON.readTree(parser);
            return parser.nextToken() == null ? node : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
