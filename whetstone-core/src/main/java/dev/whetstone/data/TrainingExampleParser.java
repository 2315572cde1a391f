package dev.whetstone.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Parses one JSONL line of a fine-tuning file into a {@link TrainingExample}, or throws an
 * {@link InvalidExampleException} naming the offending field.
 *
 * <p>Formats: chat {@code {"messages": [{"role", "content", "weight"?, "name"?}, ...]}}, prompt/completion
 * {@code {"prompt": "...", "completion": "..."}}, preference pairs ({@link PreferenceExampleParser}) and
 * reinforcement prompts, {@code messages} ending with a user turn ({@link ReinforcementExampleParser}). No unknown
 * key is ignored, at the top level or inside a message or content part: a misspelt key ({@code "mesages"}, {@code "wieght"}) would otherwise drop data silently, and
 * keys of richer formats ({@code tools}, {@code tool_calls}) would train something other than what the user
 * wrote. Optional fields ({@code weight}, {@code name}, {@code detail}) may be JSON null, meaning absent.
 *
 * <p>Thread-safe; cheap to create.
 */
public final class TrainingExampleParser {
    /** Strings may be as long as a line: the line-length limit is the validator's, not Jackson's default. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(JSON);
    private static final int MAX_JSON_MESSAGE = 160;

    public TrainingExampleParser() {}

    /** @throws InvalidExampleException when the line is not a valid example (its line number is 0: unknown) */
    public TrainingExample parse(String line) {
        char[] chars = line.toCharArray();
        return parse(chars, 0, chars.length);
    }

    TrainingExample parse(char[] chars, int offset, int length) {
        JsonNode root = readObject(chars, offset, length);
        if (ReinforcementExampleParser.looksLikeReinforcement(root)) return ReinforcementExampleParser.parse(root);
        if (root.has("messages")) return ChatExampleParser.parse(root);
        if (PreferenceExampleParser.looksLikePreference(root)) return PreferenceExampleParser.parse(root);
        if (root.has("prompt") || root.has("completion")) return promptCompletion(root);
        throw new InvalidExampleException(null, "unknown format: expected {\"messages\": [...]} (chat),"
                + " {\"prompt\": \"...\", \"completion\": \"...\"} or {\"input\": {...}, \"preferred_output\": [...],"
                + " \"non_preferred_output\": [...]} (preference)");
    }

    private static PromptCompletionExample promptCompletion(JsonNode root) {
        JsonFields.rejectUnknownKeys(root, "", List.of("prompt", "completion"));
        String prompt = JsonFields.requiredString(root, "prompt", "prompt");
        String completion = JsonFields.requiredString(root, "completion", "completion");
        if (completion.isBlank()) {
            throw new InvalidExampleException("completion", "completion must not be empty: it is the text the model learns");
        }
        return new PromptCompletionExample(prompt, completion);
    }

    private static JsonNode readObject(char[] chars, int offset, int length) {
        try (JsonParser parser = JSON.createParser(chars, offset, length)) {
            JsonNode root = MAPPER.readTree(parser);
            if (root == null || root.isMissingNode()) throw new InvalidExampleException(null, "the line is empty");
            if (!root.isObject()) {
                throw new InvalidExampleException(null, "each line must be a JSON object, found " + JsonFields.kind(root));
            }
            if (parser.nextToken() != null) {
                throw new InvalidExampleException(null, "each line must hold exactly one JSON object, but more follows"
                        + at(parser.currentTokenLocation()));
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new InvalidExampleException(null, "invalid JSON" + at(e.getLocation()) + ": " + describe(e));
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON from memory cannot fail", e);
        }
    }

    private static String at(JsonLocation location) {
        return location == null || location.getColumnNr() < 1 ? "" : " at column " + location.getColumnNr();
    }

    private static String describe(JsonProcessingException e) {
        String text = String.valueOf(e.getOriginalMessage()).replaceAll("\\s+", " ").trim();
        // Jackson appends where an unclosed array/object started as "(start marker at [Source: …])": noise here.
        int source = text.indexOf(" (start marker at [Source:");
        if (source >= 0) text = text.substring(0, source);
        return text.length() > MAX_JSON_MESSAGE ? text.substring(0, MAX_JSON_MESSAGE) + "…" : text;
    }
}
