package dev.whetstone.server.api.inference;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.engine.inference.GeneratedToken;
import dev.whetstone.engine.inference.ToolCallSyntax;
import dev.whetstone.engine.inference.Usage;
import dev.whetstone.server.api.Json;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code chat.completion} bodies and {@code chat.completion.chunk}s (docs/reference/API.md 6.1).
 *
 * <p>With tools ({@code tools} non-null), each reply is read by the model's {@link ToolCallSyntax}: calls become
 * {@code message.tool_calls} with {@code finish_reason: "tool_calls"}, the text before them {@code content} (null
 * when there is none). Streamed, text is sent as long as it cannot be the start of a call; the rest is held until
 * the reply is complete and then sent as OpenAI does: per call one delta with its index, id, type and name (empty
 * arguments), then the arguments in fragments, then the finish chunk.
 */
record ChatShape(Envelope envelope, int choices, boolean logprobs, ChatPlans.ToolReading tools, int[] released)
        implements Shape {
    /** Arguments are streamed in fragments of this many characters (OpenAI sends about a token each). */
    private static final int ARGUMENT_FRAGMENT = 16;
    private static final SecureRandom IDS = new SecureRandom();
    private static final String ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    ChatShape(Envelope envelope, int choices, boolean logprobs, ChatPlans.ToolReading tools) {
        this(envelope, choices, logprobs, tools, new int[choices]);
    }

    /** The reply as the model wrote it: the forced opening of a call, then the generated text. */
    private String reply(ChoiceState s) {
        return tools.forcedPrefix() + s.text();
    }

    @Override
    public ObjectNode body(List<ChoiceState> states, Usage usage) {
        ObjectNode body = envelope.body();
        envelope.promptFilters(body);
        ArrayNode array = body.putArray("choices");
        for (int i = 0; i < states.size(); i++) {
            ChoiceState s = states.get(i);
            ObjectNode choice = array.addObject();
            choice.put("index", i);
            ObjectNode message = Json.MAPPER.createObjectNode();
            message.put("role", "assistant");
            ToolCallSyntax.Reply reply = tools == null || s.filtered() ? null : tools.syntax().parse(reply(s));
            if (reply != null && !reply.calls().isEmpty()) {
                choice.put("finish_reason", "tool_calls");
                if (reply.content().isEmpty()) message.putNull("content"); else message.put("content", reply.content());
                ArrayNode calls = message.putArray("tool_calls");
                for (ToolCallSyntax.Call c : reply.calls()) {
                    ObjectNode call = calls.addObject();
                    call.put("id", callId());
                    call.put("type", "function");
                    call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
                }
            } else {
                choice.put("finish_reason", s.finishWireName());
                message.put("content", tools == null || s.filtered() ? s.text() : reply(s));
            }
            message.putNull("refusal");
            choice.set("message", message);
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
        if (tools != null) {
            // Only the part that cannot turn into a call is sent now; the held rest goes out in closing().
            String reply = reply(state);
            int upTo = tools.syntax().releasable(reply);
            if (upTo <= released[index]) return null;
            text = reply.substring(released[index], upTo);
            released[index] = upTo;
        }
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
    public List<ObjectNode> closing(int index, String rest, List<GeneratedToken> tokens, ChoiceState state) {
        if (tools == null) return Shape.super.closing(index, rest, tokens, state);
        List<ObjectNode> chunks = new ArrayList<>();
        String reply = reply(state);
        ToolCallSyntax.Reply parsed = tools.syntax().parse(reply);
        if (parsed.calls().isEmpty()) {
            if (released[index] < reply.length()) chunks.add(content(index, reply.substring(released[index])));
            chunks.add(finish(index, state));
            return chunks;
        }
        // Text before the calls not yet sent (held while it might have been a call's start).
        int callsStart = Math.max(released[index], tools.syntax().callsStart(reply));
        String before = reply.substring(released[index], callsStart);
        if (!before.isBlank()) chunks.add(content(index, before));
        for (int k = 0; k < parsed.calls().size(); k++) {
            ToolCallSyntax.Call c = parsed.calls().get(k);
            ObjectNode first = Json.MAPPER.createObjectNode();
            first.put("index", k);
            first.put("id", callId());
            first.put("type", "function");
            first.putObject("function").put("name", c.name()).put("arguments", "");
            chunks.add(callDelta(index, first));
            for (int from = 0; from < c.arguments().length(); from += ARGUMENT_FRAGMENT) {
                ObjectNode fragment = Json.MAPPER.createObjectNode();
                fragment.put("index", k);
                fragment.putObject("function").put("arguments",
                        c.arguments().substring(from, Math.min(c.arguments().length(), from + ARGUMENT_FRAGMENT)));
                chunks.add(callDelta(index, fragment));
            }
        }
        chunks.add(envelope.chunk(choice(index, Json.MAPPER.createObjectNode(), "tool_calls", state)));
        return chunks;
    }

    private ObjectNode content(int index, String text) {
        ObjectNode delta = Json.MAPPER.createObjectNode();
        delta.put("content", text);
        return envelope.chunk(choice(index, delta, null, null));
    }

    private ObjectNode callDelta(int index, ObjectNode call) {
        ObjectNode delta = Json.MAPPER.createObjectNode();
        delta.putArray("tool_calls").add(call);
        return envelope.chunk(choice(index, delta, null, null));
    }

    /** {@code call_} and 24 random letters and digits, as OpenAI's ids look. */
    private static String callId() {
        StringBuilder id = new StringBuilder("call_");
        for (int i = 0; i < 24; i++) id.append(ID_CHARS.charAt(IDS.nextInt(ID_CHARS.length())));
        return id.toString();
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
