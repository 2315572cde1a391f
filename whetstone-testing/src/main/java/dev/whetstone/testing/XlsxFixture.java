package dev.whetstone.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes small XLSX workbooks for tests, in the layout spreadsheet programs write: content types, relationships,
 * a workbook naming one sheet, shared strings for text cells and plain values for numbers. Also writes the broken
 * variants prepare-data must refuse.
 */
public final class XlsxFixture {
    private XlsxFixture() {}

    /** One sheet named {@code Sheet1}; a row's cells are Strings (shared strings) or Numbers; null leaves a gap. */
    public static Path write(Path file, List<List<Object>> rows) throws IOException {
        return write(file, rows, false);
    }

    /** As {@link #write(Path, List)}; with {@code inlineStrings} text is written inside the cells, as some tools do. */
    public static Path write(Path file, List<List<Object>> rows, boolean inlineStrings) throws IOException {
        Map<String, Integer> shared = new LinkedHashMap<>();
        StringBuilder sheet = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>");
        for (int r = 0; r < rows.size(); r++) {
            sheet.append("<row r=\"").append(r + 1).append("\">");
            List<Object> cells = rows.get(r);
            for (int c = 0; c < cells.size(); c++) {
                Object value = cells.get(c);
                if (value == null) continue;
                String ref = (char) ('A' + c) + String.valueOf(r + 1);
                if (value instanceof Number n) {
                    sheet.append("<c r=\"").append(ref).append("\"><v>").append(n).append("</v></c>");
                } else if (inlineStrings) {
                    sheet.append("<c r=\"").append(ref).append("\" t=\"inlineStr\"><is><t>").append(escape(value.toString()))
                            .append("</t></is></c>");
                } else {
                    int index = shared.computeIfAbsent(value.toString(), k -> shared.size());
                    sheet.append("<c r=\"").append(ref).append("\" t=\"s\"><v>").append(index).append("</v></c>");
                }
            }
            sheet.append("</row>");
        }
        sheet.append("</sheetData></worksheet>");
        StringBuilder strings = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                + "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"" + shared.size() + "\">");
        for (String s : shared.keySet()) strings.append("<si><t xml:space=\"preserve\">").append(escape(s)).append("</t></si>");
        strings.append("</sst>");
        Map<String, String> parts = skeleton();
        parts.put("xl/worksheets/sheet1.xml", sheet.toString());
        parts.put("xl/sharedStrings.xml", strings.toString());
        return zip(file, parts);
    }

    /** A workbook whose sheet part inflates to {@code inflatedBytes} of padding: a zip bomb in miniature. */
    public static Path bomb(Path file, long inflatedBytes) throws IOException {
        Map<String, String> parts = skeleton();
        parts.put("xl/worksheets/sheet1.xml", "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, String> part : parts.entrySet()) {
                zip.putNextEntry(new ZipEntry(part.getKey()));
                zip.write(part.getValue().getBytes(StandardCharsets.UTF_8));
                if (part.getKey().endsWith("sheet1.xml")) pad(zip, inflatedBytes);
                zip.closeEntry();
            }
        }
        return file;
    }

    /** A workbook whose only sheet has no rows. */
    public static Path emptySheet(Path file) throws IOException {
        return write(file, List.of());
    }

    private static void pad(OutputStream out, long bytes) throws IOException {
        byte[] spaces = new byte[1 << 16];
        java.util.Arrays.fill(spaces, (byte) ' ');
        for (long left = bytes; left > 0; left -= spaces.length) out.write(spaces, 0, (int) Math.min(left, spaces.length));
    }

    private static Map<String, String> skeleton() {
        Map<String, String> parts = new LinkedHashMap<>();
        parts.put("[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
                + "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
                + "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/></Types>");
        parts.put("_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>");
        parts.put("xl/workbook.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
                + " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
        parts.put("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
                + "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>");
        return parts;
    }

    private static Path zip(Path file, Map<String, String> parts) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, String> part : parts.entrySet()) {
                zip.putNextEntry(new ZipEntry(part.getKey()));
                zip.write(part.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return file;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Rows for {@link #write}: a header, then rows of the given cells. */
    @SafeVarargs
    public static List<List<Object>> rows(List<Object> header, List<Object>... data) {
        List<List<Object>> all = new ArrayList<>();
        all.add(header);
        all.addAll(List.of(data));
        return all;
    }
}
