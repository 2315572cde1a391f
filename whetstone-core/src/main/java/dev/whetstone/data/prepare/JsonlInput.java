package dev.whetstone.data.prepare;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reads a JSONL file: one JSON object a line, blank lines skipped, each line at most the cell limit long. */
public final class JsonlInput {
    private JsonlInput() {}

    public static SourceTable read(Path file, InputLimits limits) throws IOException, BadInputException {
        List<SourceRecord> records = new ArrayList<>();
        Set<String> columns = new LinkedHashSet<>();
        long lineNumber = 0;
        try (Reader reader = Utf8Text.open(file)) {
            BoundedLines lines = new BoundedLines(reader, limits.maxCellChars());
            for (String line = lines.next(); line != null; line = lines.next()) {
                lineNumber++;
                if (line.isBlank()) continue;
                ObjectNode object = object(file, lineNumber, line, limits);
                object.fieldNames().forEachRemaining(columns::add);
                records.add(new SourceRecord(lineNumber, object));
            }
        } catch (CharacterCodingException e) {
            throw Utf8Text.notUtf8(file, e);
        } catch (BoundedLines.TooLongException e) {
            throw new BadInputException(file.getFileName() + ", line " + (lineNumber + 1) + " is longer than "
                    + limits.maxCellChars() + " characters; split the example or shorten it.");
        }
        if (records.isEmpty()) throw new BadInputException(file.getFileName() + " is empty: expected one JSON object a line.");
        return new SourceTable("line", List.copyOf(columns), records);
    }

    private static ObjectNode object(Path file, long lineNumber, String line, InputLimits limits) throws BadInputException {
        JsonNode node;
        try {
            node = JsonInput.mapper(limits).readTree(line);
        } catch (StreamConstraintsException e) {
            throw new BadInputException(file.getFileName() + ", line " + lineNumber + ": " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new BadInputException(file.getFileName() + ", line " + lineNumber + " is not valid JSON: "
                    + JsonInput.clip(e.getOriginalMessage()) + ".", e);
        }
        if (node == null || !node.isObject()) {
            throw new BadInputException(file.getFileName() + ", line " + lineNumber + " must be a JSON object such as"
                    + " {\"prompt\": \"...\", \"completion\": \"...\"}.");
        }
        return (ObjectNode) node;
    }
}
