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
     * A chunk carrying text released by choice {@code index}.
     *
     * @param tokens the tokens since the previous chunk of this choice (some may have released no text)
     * @param state  the choice so far (for text offsets and its content filter verdict)
     */
    ObjectNode delta(int index, String text, List<GeneratedToken> tokens, ChoiceState state);

    /** The choice's last chunk, with its finish_reason ({@code content_filter} when the filter cut it). */
    ObjectNode finish(int index, ChoiceState state);

    /** The {@code stream_options.include_usage} chunk before {@code [DONE]}. */
    ObjectNode usage(Usage usage);
}
