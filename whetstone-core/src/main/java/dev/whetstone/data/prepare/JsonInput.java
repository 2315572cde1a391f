package dev.whetstone.data.prepare;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a JSON file: an array of objects (one example each, streamed), or an object of equally long arrays, one per
 * column ({@code {"prompt": [...], "completion": [...]}}, as pandas writes with {@code orient="list"}).
 */
public final class JsonInput {
    private static final int MAX_MESSAGE = 160;

    private JsonInput() {}

    static ObjectMapper mapper(InputLimits limits) {
        return new ObjectMapper(JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(limits.maxCellChars()).build()).build());
    }

    public static SourceTable read(Path file, InputLimits limits) throws IOException, BadInputException {
        String name = file.getFileName().toString();
        ObjectMapper mapper = mapper(limits);
        try (Reader reader = Utf8Text.open(file); JsonParser parser = mapper.createParser(reader)) {
            JsonToken first = parser.nextToken();
            if (first == JsonToken.START_ARRAY) return array(name, parser, mapper);
            if (first == JsonToken.START_OBJECT) return columns(name, mapper.readTree(parser));
            throw new BadInputException(name + " must hold a JSON array of objects or an object of arrays"
                    + (first == null ? "; it is empty." : ", found " + first.asString() + "."));
        } catch (CharacterCodingException e) {
            throw Utf8Text.notUtf8(file, e);
        } catch (StreamConstraintsException e) {
            throw new BadInputException(name + ": " + clip(e.getOriginalMessage()) + "; shorten that value.", e);
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new BadInputException(name + " is not valid JSON" + at + ": " + clip(e.getOriginalMessage()) + ".", e);
        }
    }

    private static SourceTable array(String name, JsonParser parser, ObjectMapper mapper) throws IOException, BadInputException {
        List<SourceRecord> records = new ArrayList<>();
        Set<String> columns = new LinkedHashSet<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            JsonNode node = mapper.readTree(parser);
            long number = records.size() + 1;
            if (node == null || !node.isObject()) {
                throw new BadInputException(name + ", record " + number + " must be a JSON object such as"
                        + " {\"prompt\": \"...\", \"completion\": \"...\"}.");
            }
            node.fieldNames().forEachRemaining(columns::add);
            records.add(new SourceRecord(number, (ObjectNode) node));
        }
        if (records.isEmpty()) throw new BadInputException(name + " holds an empty array; add one object per example.");
        return new SourceTable("record", List.copyOf(columns), records);
    }

    private static SourceTable columns(String name, JsonNode root) throws BadInputException {
        int rows = -1;
        String firstColumn = null;
        for (Map.Entry<String, JsonNode> column : root.properties()) {
            if (!column.getValue().isArray()) {
                throw new BadInputException(name + ": column '" + column.getKey() + "' must be an array of values"
                        + " (an object of arrays, one per column).");
            }
            int size = column.getValue().size();
            if (rows >= 0 && size != rows) {
                throw new BadInputException(name + ": mixed columns: '" + firstColumn + "' has " + rows
                        + " values but '" + column.getKey() + "' has " + size + "; every column needs one value per example.");
            }
            rows = size;
            firstColumn = column.getKey();
        }
        if (rows <= 0) throw new BadInputException(name + " holds no examples; expected {\"prompt\": [...], \"completion\": [...]}.");
        List<SourceRecord> records = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            ObjectNode fields = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> column : root.properties()) fields.set(column.getKey(), column.getValue().get(i));
            records.add(new SourceRecord(i + 1, fields));
        }
        List<String> names = new ArrayList<>();
        root.fieldNames().forEachRemaining(names::add);
        return new SourceTable("record", names, records);
    }

    static String clip(String message) {
        String text = String.valueOf(message).replaceAll("\\s+", " ").trim();
        int source = text.indexOf(" (start marker at [Source:");
        if (source >= 0) text = text.substring(0, source);
        return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "…" : text;
    }
}
