package dev.whetstone.server.api.inference;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.engine.inference.GeneratedToken;
import dev.whetstone.engine.inference.Usage;
import java.util.List;

/** How one endpoint renders its answer: the whole body, or the chunks of a stream (docs/reference/API.md 6.1, 6.2). */
interface Shape {
    /** The non-streaming body; {@code choices} are in index order. */
    ObjectNode body(List<ChoiceState> choices, Usage usage);

    /** Chunks sent before any token: Azure's prompt filter results, first deltas. */
    List<ObjectNode> opening();

    /**
     * A chunk carrying text released by choice {@code index}, or null when nothing is to be sent yet (chat with
     * tools holds text that may be a function call).
     *
     * @param tokens the tokens since the previous chunk of this choice (some may have released no text)
     * @param state  the choice so far (for text offsets and its content filter verdict)
     */
    ObjectNode delta(int index, String text, List<GeneratedToken> tokens, ChoiceState state);

    /** The choice's last chunk, with its finish_reason ({@code content_filter} when the filter cut it). */
    ObjectNode finish(int index, ChoiceState state);

    /**
     * The chunks that end a choice the generation finished: its last text (already in {@code state}, released by
     * the filter after {@code rest}) and the finish chunk. Chat with tools sends the held-back calls here.
     *
     * @param rest text the filter released at the end, not yet sent
     */
    default List<ObjectNode> closing(int index, String rest, List<GeneratedToken> tokens, ChoiceState state) {
        List<ObjectNode> chunks = new java.util.ArrayList<>();
        if (!rest.isEmpty()) chunks.add(delta(index, rest, tokens, state));
        chunks.add(finish(index, state));
        return chunks;
    }

    /** The {@code stream_options.include_usage} chunk before {@code [DONE]}. */
    ObjectNode usage(Usage usage);
}
