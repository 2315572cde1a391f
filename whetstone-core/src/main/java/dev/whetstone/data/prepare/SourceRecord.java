package dev.whetstone.data.prepare;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One record of the input: a table row (each cell a string) or a JSON object as written.
 *
 * @param number where the record is in the input, counted the way a person finds it: a spreadsheet's row number
 *               (the header is row 1), a JSONL file's line number, a JSON array's 1-based position
 * @param fields the record's fields by column name
 */
public record SourceRecord(long number, ObjectNode fields) {}
