package dev.whetstone.data.prepare;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads the first worksheet of an XLSX file with the JDK alone (zip + StAX): the workbook names the sheet, its
 * relationships name the part, shared strings resolve text cells. Every part is read through {@link SafeZip}'s
 * limits, so a zip bomb stops early with a message instead of filling memory.
 */
public final class XlsxInput {
    private static final String WORKBOOK = "xl/workbook.xml";

    private XlsxInput() {}

    public static SourceTable read(Path file, InputLimits limits) throws IOException, BadInputException {
        String name = file.getFileName().toString();
        try (SafeZip zip = new SafeZip(file, limits)) {
            if (!zip.has(WORKBOOK)) {
                throw new BadInputException(name + " is a zip file but not an XLSX workbook (it has no " + WORKBOOK
                        + "); save it from a spreadsheet program as .xlsx.");
            }
            Sheet sheet = firstSheet(zip, name);
            List<String> shared = List.of();
            try (InputStream in = zip.open("xl/sharedStrings.xml")) {
                if (in != null) shared = XlsxSharedStrings.read(in, limits.maxCellChars());
            }
            String where = name + ", sheet '" + sheet.name() + "'";
            TableRows rows = new TableRows(where);
            try (InputStream in = zip.open(sheet.part())) {
                if (in == null) throw new BadInputException(where + ": the part " + sheet.part() + " is missing; the file is corrupt.");
                new XlsxSheet(shared, limits.maxCellChars(), rows, where).read(in);
            }
            return rows.table();
        } catch (SafeZip.BombException e) {
            throw new BadInputException(name + " looks like a zip bomb (" + e.getMessage() + "); it was not read."
                    + " If the workbook is genuine, export the sheet as CSV.", e);
        } catch (XmlParts.CellTooLongException e) {
            throw new BadInputException(name + " has a shared string longer than " + limits.maxCellChars()
                    + " characters; shorten that cell.", e);
        } catch (XMLStreamException | java.util.zip.ZipException | NumberFormatException e) {
            SafeZip.BombException bomb = bombCause(e);
            if (bomb != null) {
                throw new BadInputException(name + " looks like a zip bomb (" + bomb.getMessage() + "); it was not read."
                        + " If the workbook is genuine, export the sheet as CSV.", e);
            }
            throw new BadInputException(name + " is a corrupt XLSX file (" + JsonInput.clip(e.getMessage())
                    + "); open it in a spreadsheet program and save it again.", e);
        }
    }

    /** The XML parser wraps the stream's exceptions; a bomb stopped mid-part arrives as a parse error. */
    private static SafeZip.BombException bombCause(Exception e) {
        for (Throwable t = e; t != null; t = t instanceof XMLStreamException x && x.getNestedException() != null
                ? x.getNestedException() : t.getCause()) {
            if (t instanceof SafeZip.BombException bomb) return bomb;
            if (t.getCause() == t) break;
        }
        return null;
    }

    private record Sheet(String name, String part) {}

    private static Sheet firstSheet(SafeZip zip, String file) throws IOException, XMLStreamException, BadInputException {
        String sheetName = null;
        String relationId = null;
        try (InputStream in = zip.open(WORKBOOK)) {
            XMLStreamReader xml = XmlParts.reader(in);
            while (xml.hasNext() && sheetName == null) {
                if (xml.next() == XMLStreamReader.START_ELEMENT && xml.getLocalName().equals("sheet")) {
                    sheetName = xml.getAttributeValue(null, "name");
                    relationId = relationId(xml);
                }
            }
        }
        if (sheetName == null) throw new BadInputException(file + " has no worksheet; add a sheet with a header row and examples.");
        String target = target(zip, relationId);
        if (target == null) target = "worksheets/sheet1.xml";
        String part = target.startsWith("/") ? target.substring(1) : "xl/" + target;
        return new Sheet(sheetName, part);
    }

    private static String relationId(XMLStreamReader xml) {
        for (int i = 0; i < xml.getAttributeCount(); i++) {
            if (xml.getAttributeLocalName(i).equals("id")) return xml.getAttributeValue(i);
        }
        return null;
    }

    private static String target(SafeZip zip, String relationId) throws IOException, XMLStreamException {
        if (relationId == null) return null;
        try (InputStream in = zip.open("xl/_rels/workbook.xml.rels")) {
            if (in == null) return null;
            XMLStreamReader xml = XmlParts.reader(in);
            while (xml.hasNext()) {
                if (xml.next() == XMLStreamReader.START_ELEMENT && xml.getLocalName().equals("Relationship")
                        && relationId.equals(xml.getAttributeValue(null, "Id"))) {
                    return xml.getAttributeValue(null, "Target");
                }
            }
        }
        return null;
    }
}
