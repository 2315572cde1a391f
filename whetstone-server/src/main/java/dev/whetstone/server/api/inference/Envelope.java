package dev.whetstone.server.api.inference;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.engine.inference.Usage;
import dev.whetstone.server.api.Json;

/**
 * The fields every response and chunk of one request repeat (docs/reference/API.md 6.1): one id and {@code created} for the whole
 * stream, the served model's name, and Azure's content filter results on the Azure surface only.
 *
 * @param includeUsage whether chunks carry {@code "usage": null} until the usage chunk
 */
record Envelope(String id, String object, String chunkObject, long created, String model, String fingerprint,
                boolean azure, boolean includeUsage) {
    ObjectNode body() {
        return head(object);
    }

    ObjectNode chunk(ObjectNode choice) {
        ObjectNode chunk = head(chunkObject);
        chunk.putArray("choices").add(choice);
        if (includeUsage) chunk.putNull("usage");
        return chunk;
    }

    /** Azure's first stream chunk: no choices, the prompt filter results. */
    ObjectNode promptFilterChunk(int prompts) {
        ObjectNode chunk = head(chunkObject);
        chunk.putArray("choices");
        promptFilters(chunk, prompts);
        if (includeUsage) chunk.putNull("usage");
        return chunk;
    }

    ObjectNode usageChunk(Usage usage) {
        ObjectNode chunk = head(chunkObject);
        chunk.putArray("choices");
        chunk.set("usage", usage(usage));
        return chunk;
    }

    void promptFilters(ObjectNode node, int prompts) {
        if (!azure) return;
        ArrayNode results = node.putArray("prompt_filter_results");
        for (int i = 0; i < prompts; i++) {
            ObjectNode r = results.addObject();
            r.put("prompt_index", i);
            ObjectNode filters = r.putObject("content_filter_results");
            severities(filters);
            filters.putObject("jailbreak").put("filtered", false).put("detected", false);
        }
    }

    void choiceFilters(ObjectNode choice) {
        if (azure) severities(choice.putObject("content_filter_results"));
    }

    static ObjectNode usage(Usage usage) {
        ObjectNode u = Json.MAPPER.createObjectNode();
        u.put("prompt_tokens", usage.promptTokens());
        u.put("completion_tokens", usage.completionTokens());
        u.put("total_tokens", usage.totalTokens());
        u.putObject("completion_tokens_details").put("reasoning_tokens", 0);
        return u;
    }

    private ObjectNode head(String objectName) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("id", id);
        node.put("object", objectName);
        node.put("created", created);
        node.put("model", model);
        node.put("system_fingerprint", fingerprint);
        return node;
    }

    /** This service filters nothing: every category is reported safe, as a self-hosted service may (docs/reference/API.md 6.1). */
    private static void severities(ObjectNode filters) {
        for (String category : new String[] {"hate", "self_harm", "sexual", "violence"}) {
            filters.putObject(category).put("filtered", false).put("severity", "safe");
        }
    }
}
