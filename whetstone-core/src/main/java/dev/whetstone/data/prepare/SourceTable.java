package dev.whetstone.data.prepare;

import java.util.List;

/**
 * What an input file holds, read: its records in order.
 *
 * @param unit    what a record's number counts, for messages: "row", "line" or "record"
 * @param columns the column names (a table's header; for JSON, every key seen, in order of appearance)
 * @param records the records
 */
public record SourceTable(String unit, List<String> columns, List<SourceRecord> records) {
    public SourceTable {
        columns = List.copyOf(columns);
        records = List.copyOf(records);
    }
}
