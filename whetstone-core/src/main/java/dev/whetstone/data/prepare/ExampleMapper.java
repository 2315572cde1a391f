package dev.whetstone.data.prepare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.data.ExampleFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns input records into draft lines: prompt/completion columns into {@code {"prompt", "completion"}}; system,
 * user and assistant columns (and an optional weight column) into a {@code {"messages": [...]}} conversation;
 * records that already hold {@code messages} keep them as they are (tool calls and results included) with their
 * {@code tools}, {@code functions} and {@code parallel_tool_calls}, and preference pairs ({@code input},
 * {@code preferred_output}, {@code non_preferred_output}) pass through whole. Across formats, prompt maps to user and
 * completion to assistant, so one spreadsheet serves both kinds of model.
 */
public final class ExampleMapper {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> PREFERENCE_KEYS = List.of("input", "preferred_output", "non_preferred_output");
    /** Top-level keys a conversation keeps beside its messages: the functions its tool calls may call. */
    static final List<String> TOOL_KEYS = List.of("tools", "functions", "parallel_tool_calls");
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

    private ExampleMapper() {}

    /**
     * @param format the wanted format (from --format or the model); null to infer it from the columns
     * @param system a system message for chat examples whose system column is empty or absent; null for none
     */
    public static Mapping map(SourceTable table, ExampleFormat format, ColumnChoice choice, String system)
            throws BadInputException {
        if (PREFERENCE_KEYS.stream().anyMatch(table.columns()::contains)) return preference(table);
        Columns c = Columns.find(table.columns(), choice);
        ExampleFormat resolved = format != null ? format : c.inferFormat();
        List<Draft> drafts = new ArrayList<>(table.records().size());
        if (resolved == ExampleFormat.CHAT && c.messages != null) {
            for (SourceRecord r : table.records()) drafts.add(new Draft(r.number(), passThrough(r.fields(), c.messages)));
            return new Mapping(new Dataset(table.unit(), resolved, drafts, null), c.unused(table.columns(), resolved));
        }
        c.require(resolved);
        for (SourceRecord r : table.records()) {
            ObjectNode json = resolved == ExampleFormat.CHAT ? chat(r.fields(), c, system) : pair(r.fields(), c);
            drafts.add(new Draft(r.number(), json));
        }
        return new Mapping(new Dataset(table.unit(), resolved, drafts, null), c.unused(table.columns(), resolved));
    }

    /**
     * Preference pairs (DPO data) are already in their final shape: their keys are passed through as written, for
     * the parser to check; other columns are reported as ignored.
     */
    private static Mapping preference(SourceTable table) {
        List<Draft> drafts = new ArrayList<>(table.records().size());
        for (SourceRecord r : table.records()) {
            ObjectNode json = NODES.objectNode();
            for (String key : PREFERENCE_KEYS) {
                if (r.fields().has(key)) json.set(key, r.fields().get(key).deepCopy());
            }
            drafts.add(new Draft(r.number(), json));
        }
        List<String> unused = table.columns().stream().filter(c -> !PREFERENCE_KEYS.contains(c)).toList();
        return new Mapping(new Dataset(table.unit(), ExampleFormat.PREFERENCE, drafts, null), unused);
    }

    /**
     * @param dataset       the drafts, in the resolved format
     * @param unusedColumns input columns that no part of the examples comes from
     */
    public record Mapping(Dataset dataset, List<String> unusedColumns) {}

    /**
     * A record that already holds a conversation: its messages and tool keys as written (other keys are listed as ignored columns,
     * like a table's); a spreadsheet cell holding the messages as JSON text is parsed (text that is not JSON stays
     * text, and the parser names it).
     */
    private static ObjectNode passThrough(ObjectNode fields, String messagesColumn) {
        JsonNode messages = parsedCell(fields.get(messagesColumn));
        ObjectNode json = NODES.objectNode();
        json.set("messages", messages == null ? NODES.nullNode() : messages.deepCopy());
        // the functions a conversation's tool calls are checked against belong to it (docs/fine-tuning-jobs.md
        // "Tools in training data"); messages' tool_calls and tool_call_id come along inside the messages
        for (String key : TOOL_KEYS) {
            JsonNode value = key.equals("parallel_tool_calls") ? fields.get(key) : parsedCell(fields.get(key));
            if (value != null) json.set(key, value.deepCopy());
        }
        return json;
    }

    /** A spreadsheet cell holding JSON text is parsed; text that is not JSON stays text, for the parser to name. */
    private static JsonNode parsedCell(JsonNode cell) {
        if (cell == null || !cell.isTextual()) return cell;
        try {
            return MAPPER.readTree(cell.textValue());
        } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
            return cell;   // e.g. the parser then reports "messages must be an array"
        }
    }

    private static ObjectNode pair(ObjectNode fields, Columns c) {
        ObjectNode json = NODES.objectNode();
        json.put("prompt", text(fields.get(c.prompt())));
        json.put("completion", text(fields.get(c.completion())));
        return json;
    }

    private static ObjectNode chat(ObjectNode fields, Columns c, String system) {
        ArrayNode messages = NODES.arrayNode();
        String systemText = c.system == null ? "" : text(fields.get(c.system));
        if (systemText.isEmpty() && system != null) systemText = system;
        if (!systemText.isEmpty()) messages.add(message("system", systemText));
        messages.add(message("user", text(fields.get(c.user()))));
        ObjectNode assistant = message("assistant", text(fields.get(c.assistant())));
        if (c.weight != null) weight(fields.get(c.weight), assistant);
        messages.add(assistant);
        ObjectNode json = NODES.objectNode();
        json.set("messages", messages);
        return json;
    }

    private static ObjectNode message(String role, String content) {
        return NODES.objectNode().put("role", role).put("content", content);
    }

    /** A blank cell means no weight; "1", "1.0", 1 become numbers; anything else is kept for the parser to name. */
    private static void weight(JsonNode cell, ObjectNode assistant) {
        if (cell == null || cell.isNull() || (cell.isTextual() && cell.textValue().isBlank())) return;
        if (cell.isNumber()) {
            assistant.set("weight", cell);
            return;
        }
        String text = cell.asText().strip();
        try {
            assistant.put("weight", new java.math.BigDecimal(text));
        } catch (NumberFormatException notANumber) {
            assistant.put("weight", text);
        }
    }

    /** A cell as text: strings as they are, numbers and booleans as written, missing as empty, JSON values as JSON. */
    static String text(JsonNode cell) {
        if (cell == null || cell.isNull() || cell.isMissingNode()) return "";
        return cell.isValueNode() ? cell.asText() : cell.toString();
    }
}
