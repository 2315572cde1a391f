package dev.whetstone.data.prepare;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Streams a worksheet part ({@code xl/worksheets/sheetN.xml}) row by row into a {@link TableRows}. Cells are placed
 * by their reference ({@code r="C7"}), so empty cells that the file leaves out keep the columns aligned.
 */
final class XlsxSheet {
    private final List<String> shared;
    private final int maxChars;
    private final TableRows rows;
    private final String where;

    XlsxSheet(List<String> shared, int maxChars, TableRows rows, String where) {
        this.shared = shared;
        this.maxChars = maxChars;
        this.rows = rows;
        this.where = where;
    }

    void read(InputStream in) throws XMLStreamException, BadInputException {
        XMLStreamReader xml = XmlParts.reader(in);
        List<String> cells = null;
        long rowNumber = 0;
        while (xml.hasNext()) {
            int event = xml.next();
            if (event == XMLStreamReader.START_ELEMENT && xml.getLocalName().equals("row")) {
                String r = xml.getAttributeValue(null, "r");
                rowNumber = r == null ? rowNumber + 1 : Long.parseLong(r);
                cells = new ArrayList<>();
            } else if (event == XMLStreamReader.START_ELEMENT && xml.getLocalName().equals("c") && cells != null) {
                int column = column(xml.getAttributeValue(null, "r"), cells.size());
                String value = cell(xml, rowNumber, column);
                while (cells.size() < column) cells.add("");
                cells.add(value);
            } else if (event == XMLStreamReader.END_ELEMENT && xml.getLocalName().equals("row") && cells != null) {
                rows.add(rowNumber, cells);
                cells = null;
            }
        }
    }

    /** 0-based column of a reference such as {@code AB12}; the next column when the reference is absent. */
    static int column(String reference, int next) {
        if (reference == null) return next;
        int column = 0;
        for (int i = 0; i < reference.length() && Character.isLetter(reference.charAt(i)); i++) {
            column = column * 26 + (Character.toUpperCase(reference.charAt(i)) - 'A' + 1);
        }
        return column == 0 ? next : column - 1;
    }

    private String cell(XMLStreamReader xml, long rowNumber, int column) throws XMLStreamException, BadInputException {
        String type = xml.getAttributeValue(null, "t");
        StringBuilder text = new StringBuilder();
        try {
            int depth = 1;
            while (depth > 0) {
                int event = xml.next();
                if (event == XMLStreamReader.START_ELEMENT) {
                    String name = xml.getLocalName();
                    if (name.equals("v") || name.equals("t")) XmlParts.appendText(xml, text, maxChars);
                    else depth++;
                } else if (event == XMLStreamReader.END_ELEMENT) {
                    depth--;
                }
            }
        } catch (XmlParts.CellTooLongException e) {
            throw new BadInputException(where + ", cell " + name(column) + rowNumber + " is longer than " + maxChars
                    + " characters; shorten it or split the example.");
        }
        return value(type, text.toString(), rowNumber, column);
    }

    private String value(String type, String raw, long rowNumber, int column) throws BadInputException {
        if (type == null || type.equals("n")) return number(raw);
        return switch (type) {
            case "s" -> {
                try {
                    yield shared.get(Integer.parseInt(raw.strip()));
                } catch (RuntimeException e) {
                    throw new BadInputException(where + ", cell " + name(column) + rowNumber + " refers to shared"
                            + " string '" + raw + "', which the file does not have; the file is corrupt, save it again.");
                }
            }
            case "b" -> raw.strip().equals("1") ? "TRUE" : "FALSE";
            default -> raw; // inlineStr, str (a formula's text), e (an error such as #N/A)
        };
    }

    /** Whole numbers without the ".0" a spreadsheet stores them with. */
    private static String number(String raw) {
        String s = raw.strip();
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    static String name(int column) {
        StringBuilder b = new StringBuilder();
        for (int c = column + 1; c > 0; c = (c - 1) / 26) b.insert(0, (char) ('A' + (c - 1) % 26));
        return b.toString();
    }
}
