package dev.whetstone.server.api.inference;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.engine.inference.GeneratedToken;
import dev.whetstone.engine.inference.Usage;
import dev.whetstone.server.api.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code text_completion} bodies and chunks (docs/reference/API.md 6.2). With echo the prompt opens each choice's text (in a
 * stream: as the choice's first chunk), and text offsets count from the start of that text.
 *
 * @param prefixes each choice's echoed prompt ("" without echo), in choice index order
 */
record CompletionShape(Envelope envelope, List<String> prefixes, boolean logprobs) implements Shape {
    @Override
    public ObjectNode body(List<ChoiceState> states, Usage usage) {
        ObjectNode body = envelope.body();
        envelope.promptFilters(body);
        ArrayNode array = body.putArray("choices");
        for (int i = 0; i < states.size(); i++) {
            ChoiceState s = states.get(i);
            ObjectNode choice = choice(i, s.text(), s.finishWireName(), s);
            if (logprobs) choice.set("logprobs", Logprobs.completion(s, 0, s.shownTokens().size()));
            array.add(choice);
        }
        body.set("usage", Envelope.usage(usage));
        return body;
    }

    @Override
    public List<ObjectNode> opening() {
        List<ObjectNode> chunks = new ArrayList<>();
        if (envelope.hasPromptFilterChunk()) chunks.add(envelope.promptFilterChunk());
        for (int i = 0; i < prefixes.size(); i++) {
            if (!prefixes.get(i).isEmpty()) chunks.add(envelope.chunk(choice(i, prefixes.get(i), null, null)));
        }
        return chunks;
    }

    @Override
    public ObjectNode delta(int index, String text, List<GeneratedToken> tokens, ChoiceState state) {
        ObjectNode choice = choice(index, text, null, state);
        int to = state.tokens().size();
        if (logprobs) choice.set("logprobs", Logprobs.completion(state, to - tokens.size(), to));
        return envelope.chunk(choice);
    }

    @Override
    public ObjectNode finish(int index, ChoiceState state) {
        return envelope.chunk(choice(index, "", state.finishWireName(), state));
    }

    @Override
    public ObjectNode usage(Usage usage) {
        return envelope.usageChunk(usage);
    }

    /** @param state the choice whose verdict annotates the chunk; null for an echoed prompt */
    private ObjectNode choice(int index, String text, String finishReason, ChoiceState state) {
        ObjectNode choice = Json.MAPPER.createObjectNode();
        choice.put("text", text);
        choice.put("index", index);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        envelope.choiceFilters(choice, state == null ? null : state.verdict());
        return choice;
    }
}
