package dev.whetstone.data.prepare;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds a {@link SourceTable} from a header row and data rows of cells, as CSV, TSV and XLSX readers deliver them.
 * Checks what makes a table unusable: no rows, no header, duplicate or blank column names, a row with values
 * beyond the header's columns. Rows whose cells are all empty are skipped, as spreadsheets often end with some.
 */
public final class TableRows {
    private final String source;
    private List<String> header;
    private final List<SourceRecord> records = new ArrayList<>();

    /** @param source how messages name the input, e.g. {@code data.csv} or {@code data.xlsx, sheet 'Sheet1'} */
    public TableRows(String source) {
        this.source = source;
    }

    /** @param rowNumber the row's number as the user sees it (1 for the first line or spreadsheet row) */
    public void add(long rowNumber, List<String> cells) throws BadInputException {
        if (cells.stream().allMatch(c -> c == null || c.isBlank())) return;
        if (header == null) {
            header = header(rowNumber, cells);
            return;
        }
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i) == null ? "" : cells.get(i);
            if (i >= header.size()) {
                if (cell.isEmpty()) continue;
                throw new BadInputException(source + ", row " + rowNumber + ": mixed columns: the row has a value in"
                        + " column " + (i + 1) + " but the header (row 1) names only " + header.size()
                        + " columns; give that column a name or remove the value.");
            }
            fields.put(header.get(i), cell);
        }
        records.add(new SourceRecord(rowNumber, fields));
    }

    private List<String> header(long rowNumber, List<String> cells) throws BadInputException {
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < cells.size(); i++) {
            String name = cells.get(i) == null ? "" : cells.get(i).strip();
            if (name.isEmpty()) {
                if (cells.subList(i, cells.size()).stream().allMatch(c -> c == null || c.isBlank())) break;
                throw new BadInputException(source + ", row " + rowNumber + ": column " + (i + 1) + " of the header"
                        + " has no name; the first row must name every column (e.g. prompt, completion).");
            }
            if (!seen.add(name.toLowerCase(java.util.Locale.ROOT))) {
                throw new BadInputException(source + ", row " + rowNumber + ": the header names column '" + name
                        + "' twice; give each column its own name.");
            }
            names.add(name);
        }
        return names;
    }

    public SourceTable table() throws BadInputException {
        if (header == null) {
            throw new BadInputException(source + " is empty: expected a header row (e.g. prompt, completion) and"
                    + " one example per row.");
        }
        if (records.isEmpty()) {
            throw new BadInputException(source + " has a header row but no data rows; add one example per row.");
        }
        return new SourceTable("row", header, records);
    }
}
