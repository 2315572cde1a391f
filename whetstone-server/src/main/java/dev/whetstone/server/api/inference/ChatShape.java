package dev.whetstone.server.api.inference;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.engine.inference.GeneratedToken;
import dev.whetstone.engine.inference.Usage;
import dev.whetstone.server.api.Json;
import java.util.ArrayList;
import java.util.List;

/** {@code chat.completion} bodies and {@code chat.completion.chunk}s (docs/reference/API.md 6.1). */
record ChatShape(Envelope envelope, int choices, boolean logprobs) implements Shape {
    @Override
    public ObjectNode body(List<ChoiceState> states, Usage usage) {
        ObjectNode body = envelope.body();
        envelope.promptFilters(body);
        ArrayNode array = body.putArray("choices");
        for (int i = 0; i < states.size(); i++) {
            ChoiceState s = states.get(i);
            ObjectNode choice = array.addObject();
            choice.put("index", i);
            choice.put("finish_reason", s.finishWireName());
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", s.text());
            message.putNull("refusal");
            choice.set("logprobs", logprobs ? Logprobs.chat(s.shownTokens()) : null);
            envelope.choiceFilters(choice, s.verdict());
        }
        body.set("usage", Envelope.usage(usage));
        return body;
    }

    /** Azure's filter chunk, then each choice's first delta with the role (clients read the role from it). */
    @Override
    public List<ObjectNode> opening() {
        List<ObjectNode> chunks = new ArrayList<>();
        if (envelope.hasPromptFilterChunk()) chunks.add(envelope.promptFilterChunk());
        for (int i = 0; i < choices; i++) {
            ObjectNode delta = Json.MAPPER.createObjectNode();
            delta.put("role", "assistant");
            delta.put("content", "");
            delta.putNull("refusal");
            chunks.add(envelope.chunk(choice(i, delta, null, null)));
        }
        return chunks;
    }

    @Override
    public ObjectNode delta(int index, String text, List<GeneratedToken> tokens, ChoiceState state) {
        ObjectNode delta = Json.MAPPER.createObjectNode();
        delta.put("content", text);
        ObjectNode choice = choice(index, delta, null, state);
        if (logprobs) choice.set("logprobs", Logprobs.chat(tokens));
        return envelope.chunk(choice);
    }

    @Override
    public ObjectNode finish(int index, ChoiceState state) {
        return envelope.chunk(choice(index, Json.MAPPER.createObjectNode(), state.finishWireName(), state));
    }

    @Override
    public ObjectNode usage(Usage usage) {
        return envelope.usageChunk(usage);
    }

    /** @param state the choice whose verdict annotates the chunk; null for the opening role chunk */
    private ObjectNode choice(int index, ObjectNode delta, String finishReason, ChoiceState state) {
        ObjectNode choice = Json.MAPPER.createObjectNode();
        choice.put("index", index);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        envelope.choiceFilters(choice, state == null ? null : state.verdict());
        return choice;
    }
}
