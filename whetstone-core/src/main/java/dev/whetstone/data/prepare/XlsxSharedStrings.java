package dev.whetstone.data.prepare;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/** {@code xl/sharedStrings.xml}: the strings cells refer to by index; rich-text runs joined, phonetic hints left out. */
final class XlsxSharedStrings {
    private XlsxSharedStrings() {}

    static List<String> read(InputStream in, int maxChars) throws XMLStreamException, XmlParts.CellTooLongException {
        List<String> strings = new ArrayList<>();
        XMLStreamReader xml = XmlParts.reader(in);
        StringBuilder current = null;
        int phonetic = 0;
        while (xml.hasNext()) {
            int event = xml.next();
            if (event == XMLStreamReader.START_ELEMENT) {
                switch (xml.getLocalName()) {
                    case "si" -> current = new StringBuilder();
                    case "rPh" -> phonetic++;
                    case "t" -> {
                        if (current != null && phonetic == 0) XmlParts.appendText(xml, current, maxChars);
                    }
                    default -> { }
                }
            } else if (event == XMLStreamReader.END_ELEMENT) {
                if (xml.getLocalName().equals("rPh")) phonetic--;
                if (xml.getLocalName().equals("si") && current != null) {
                    strings.add(current.toString());
                    current = null;
                }
            }
        }
        return strings;
    }
}
