package dev.whetstone.data.prepare;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a text file as strict UTF-8: a leading BOM is skipped, and a byte sequence that is not UTF-8 fails the read
 * (instead of turning into U+FFFD and training the model on garbage). UTF-16 files, which Excel writes as "Unicode
 * text", are recognised by their BOM and named in the message.
 */
public final class Utf8Text {
    private Utf8Text() {}

    public static Reader open(Path file) throws IOException, BadInputException {
        PushbackInputStream in = new PushbackInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16), 3);
        try {
            skipBom(in, file);
        } catch (BadInputException | IOException | RuntimeException e) {
            in.close();
            throw e;
        }
        return new StrictUtf8Reader(in);
    }

    private static void skipBom(PushbackInputStream in, Path file) throws IOException, BadInputException {
        byte[] head = in.readNBytes(3);
        int b0 = head.length > 0 ? head[0] & 0xff : -1;
        int b1 = head.length > 1 ? head[1] & 0xff : -1;
        if ((b0 == 0xFF && b1 == 0xFE) || (b0 == 0xFE && b1 == 0xFF)) {
            throw new BadInputException(file.getFileName() + " is UTF-16 text; save it as UTF-8 (in Excel: Save As,"
                    + " \"CSV UTF-8\").");
        }
        boolean bom = head.length == 3 && b0 == 0xEF && b1 == 0xBB && (head[2] & 0xff) == 0xBF;
        if (!bom) in.unread(head);
    }

    /** The message for a decoding failure of a reader from {@link #open}. */
    public static BadInputException notUtf8(Path file, CharacterCodingException e) {
        String where = e instanceof StrictUtf8Reader.NotUtf8Exception at ? " (line " + at.line + ")" : "";
        return new BadInputException(file.getFileName() + " is not valid UTF-8 text" + where + "; save it with"
                + " UTF-8 encoding (in Excel: Save As, \"CSV UTF-8\").", e);
    }
}
