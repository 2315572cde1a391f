package dev.whetstone.server.api.inference;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.engine.inference.Usage;
import dev.whetstone.safety.Verdict;
import dev.whetstone.server.api.Json;
import java.util.List;

/**
 * The fields every response and chunk of one request repeat (docs/reference/API.md 6.1): one id and {@code created} for the whole
 * stream, the served model's name, and Azure's content filter results on the Azure surface only, and only for
 * what the deployment's policy evaluated.
 *
 * @param includeUsage        whether chunks carry {@code "usage": null} until the usage chunk
 * @param prompts             each prompt's verdict, in prompt order; null when prompts are not filtered
 * @param annotateCompletions whether completions are filtered (and so annotated)
 */
record Envelope(String id, String object, String chunkObject, long created, String model, String fingerprint,
                boolean azure, boolean includeUsage, List<Verdict> prompts, boolean annotateCompletions) {
    ObjectNode body() {
        return head(object);
    }

    ObjectNode chunk(ObjectNode choice) {
        ObjectNode chunk = head(chunkObject);
        chunk.putArray("choices").add(choice);
        if (includeUsage) chunk.putNull("usage");
        return chunk;
    }

    /** Whether Azure's first stream chunk (no choices, the prompt filter results) is sent. */
    boolean hasPromptFilterChunk() {
        return azure && prompts != null;
    }

    ObjectNode promptFilterChunk() {
        ObjectNode chunk = head(chunkObject);
        chunk.putArray("choices");
        promptFilters(chunk);
        if (includeUsage) chunk.putNull("usage");
        return chunk;
    }

    ObjectNode usageChunk(Usage usage) {
        ObjectNode chunk = head(chunkObject);
        chunk.putArray("choices");
        chunk.set("usage", usage(usage));
        return chunk;
    }

    void promptFilters(ObjectNode node) {
        if (!hasPromptFilterChunk()) return;
        ArrayNode results = node.putArray("prompt_filter_results");
        for (int i = 0; i < prompts.size(); i++) {
            ObjectNode r = results.addObject();
            r.put("prompt_index", i);
            r.set("content_filter_results", Annotations.of(prompts.get(i)));
        }
    }

    /** @param verdict the choice's text so far, as the gate last judged it; null when not (yet) checked */
    void choiceFilters(ObjectNode choice, Verdict verdict) {
        if (azure && annotateCompletions && verdict != null) choice.set("content_filter_results", Annotations.of(verdict));
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
}
