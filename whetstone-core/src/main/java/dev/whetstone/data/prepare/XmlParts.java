package dev.whetstone.data.prepare;

import java.io.InputStream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/** A StAX reader for the XML parts of an XLSX with DTDs and external entities off (no XXE, no entity expansion). */
final class XmlParts {
    private static final XMLInputFactory FACTORY = factory();

    private XmlParts() {}

    private static XMLInputFactory factory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, false);
        return f;
    }

    static XMLStreamReader reader(InputStream in) throws XMLStreamException {
        return FACTORY.createXMLStreamReader(in);
    }

    /** Appends the text of the current element's content events until its end tag, refusing more than {@code max}. */
    static void appendText(XMLStreamReader xml, StringBuilder out, int max) throws XMLStreamException, CellTooLongException {
        int depth = 1;
        while (depth > 0) {
            int event = xml.next();
            if (event == XMLStreamReader.START_ELEMENT) depth++;
            else if (event == XMLStreamReader.END_ELEMENT) depth--;
            else if (event == XMLStreamReader.CHARACTERS || event == XMLStreamReader.CDATA) {
                if (out.length() + xml.getTextLength() > max) throw new CellTooLongException();
                out.append(xml.getTextCharacters(), xml.getTextStart(), xml.getTextLength());
            }
        }
    }

    static final class CellTooLongException extends Exception {
        CellTooLongException() { super("cell too long"); }
    }
}
