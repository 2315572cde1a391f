package dev.whetstone.engine.inference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * How a model family writes function calls in its replies, as its chat template teaches it, and how such a reply is
 * read back into the API's {@code tool_calls}.
 *
 * <ul>
 *   <li>{@link #HERMES} (Qwen 2/2.5/3, Hermes, the built-in tiny-chat): optional text, then one or more
 *       {@code <tool_call>\n{"name": …, "arguments": {…}}\n</tool_call>} blocks.</li>
 *   <li>{@link #LLAMA_JSON} (Llama 3.1/3.2/3.3 with JSON tool calling): the whole reply is one JSON object
 *       {@code {"name": …, "parameters": {…}}} (optionally after {@code <|python_tag|>}).</li>
 * </ul>
 * A reply that does not parse as calls is text, whole: a malformed call is never half-returned.
 */
public enum ToolCallSyntax {
    HERMES("<tool_call>", "arguments"),
    LLAMA_JSON("{", "parameters");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HERMES_END = "</tool_call>";
    private static final String PYTHON_TAG = "<|python_tag|>";

    private final String opening;
    private final String argumentsKey;

    ToolCallSyntax(String opening, String argumentsKey) {
        this.opening = opening;
        this.argumentsKey = argumentsKey;
    }

    /** One parsed call: the function's name and its arguments as compact JSON text. */
    public record Call(String name, String arguments) {}

    /** A reply read back: its text (before the calls; may be empty) and its calls (empty: a plain text reply). */
    public record Reply(String content, List<Call> calls) {
        public Reply {
            calls = List.copyOf(calls);
        }
    }

    /**
     * The text the reply is made to start with so that it is a call: of any function when {@code function} is
     * null ({@code tool_choice: "required"}), else of that one (a named {@code tool_choice}); the model continues
     * with the name's rest or the arguments.
     */
    public String forcedPrefix(String function) {
        return switch (this) {
            case HERMES -> function == null ? "<tool_call>\n{\"name\": \""
                    : "<tool_call>\n{\"name\": \"" + function + "\", \"arguments\": ";
            case LLAMA_JSON -> function == null ? "{\"name\": \"" : "{\"name\": \"" + function + "\", \"parameters\": ";
        };
    }

    /**
     * What the model writes after {@link #forcedPrefix forcedPrefix(null)} to call {@code function} up to its
     * arguments object: the rest of the name and the arguments key ({@code f", "arguments": }).
     */
    public String leadTo(String function) {
        return forcedPrefix(function).substring(forcedPrefix(null).length());
    }

    /** What closes a call after its arguments object, as the chat template writes it. */
    public String afterArguments() {
        return this == HERMES ? "}\n" + HERMES_END : "}";
    }

    /** A stop string that ends the reply after its first call ({@code parallel_tool_calls: false}), or null. */
    public String endOfFirstCall() {
        return this == HERMES ? HERMES_END : null;
    }

    /**
     * How much of a reply so far may be streamed as text: everything before the point where a call could begin
     * (the opening marker, or a part of it at the very end). Text after that is held until the reply is complete.
     */
    public int releasable(String text) {
        if (this == LLAMA_JSON) {
            String t = text.stripLeading();
            // Llama's calls are the whole reply: hold everything while it may still turn into one.
            if (t.isEmpty() || t.startsWith("{") || PYTHON_TAG.startsWith(t) || t.startsWith(PYTHON_TAG)) return 0;
            return text.length();
        }
        int at = text.indexOf(opening);
        if (at >= 0) return at;
        for (int keep = Math.min(opening.length() - 1, text.length()); keep > 0; keep--) {
            if (opening.startsWith(text.substring(text.length() - keep))) return text.length() - keep;
        }
        return text.length();
    }

    /** Where the calls of a reply that {@link #parse} read as calls begin (the text before them is content). */
    public int callsStart(String text) {
        if (this == LLAMA_JSON) return 0;
        int at = text.indexOf(opening);
        return at < 0 ? text.length() : at;
    }

    /** Reads a complete reply. */
    public Reply parse(String text) {
        return switch (this) {
            case HERMES -> hermes(text);
            case LLAMA_JSON -> llama(text);
        };
    }

    private Reply hermes(String text) {
        int first = text.indexOf(opening);
        if (first < 0) return new Reply(text, List.of());
        List<Call> calls = new ArrayList<>();
        int at = first;
        while (at < text.length()) {
            if (!text.startsWith(opening, at)) {
                if (text.substring(at).isBlank()) break;
                return new Reply(text, List.of()); // text after the calls: not a call reply after all
            }
            int bodyStart = at + opening.length();
            int end = text.indexOf(HERMES_END, bodyStart);
            // The last block may lack its closing tag: generation stopped at it (stop string) or at EOS.
            String body = end < 0 ? text.substring(bodyStart) : text.substring(bodyStart, end);
            Call call = call(body);
            if (call == null) return new Reply(text, List.of());
            calls.add(call);
            if (end < 0) break;
            at = end + HERMES_END.length();
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++;
        }
        return new Reply(text.substring(0, first).strip(), calls);
    }

    private Reply llama(String text) {
        String t = text.strip();
        if (t.startsWith(PYTHON_TAG)) t = t.substring(PYTHON_TAG.length()).strip();
        List<Call> calls = new ArrayList<>();
        // Llama 3.2 may separate several calls with ";".
        for (String part : t.split(";(?=\\s*\\{)")) {
            Call call = call(part);
            if (call == null) return new Reply(text, List.of());
            calls.add(call);
        }
        return new Reply("", calls);
    }

    /** {@code {"name": string, <argumentsKey>: object}} and nothing else, or null. */
    private Call call(String body) {
        JsonNode node;
        try (var parser = JSON.createParser(body.strip())) {
            node = JSON.readTree(parser);
            if (node == null || parser.nextToken() != null) return null;
        } catch (JsonProcessingException e) {
            return null;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("reading JSON from memory cannot fail", e);
        }
        if (!node.isObject() || !node.path("name").isTextual()) return null;
        JsonNode arguments = node.get(argumentsKey);
        if (arguments == null && this == LLAMA_JSON) arguments = node.get("arguments");
        if (arguments == null || !arguments.isObject() || node.size() != 2) return null;
        return new Call(node.get("name").textValue(), arguments.toString());
    }
}
