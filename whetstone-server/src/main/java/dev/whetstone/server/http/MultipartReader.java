package dev.whetstone.server.http;

import dev.whetstone.error.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A streaming multipart/form-data reader: parts are read in the order they arrive and each part's body is an
 * InputStream over the request itself, so a 512 MB upload never sits in memory. Accepts what real clients send
 * (docs/reference/CLIENTS.md 3): chunked or sized bodies, any part order, parts with or without a content type.
 */
public final class MultipartReader {
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int BUFFER = 64 * 1024;

    private final InputStream in;
    private final byte[] delimiter; // CRLF "--" boundary
    private final byte[] buf;
    private int pos;
    private int limit;
    private boolean finished;
    private PartStream current;

    /** A part's headers and its body, readable until {@link #next()} is called again. */
    public record Part(String name, String filename, String contentType, InputStream body) {}

    public MultipartReader(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buf = new byte[Math.max(BUFFER, delimiter.length * 4)];
        // The first delimiter may open the body without a preceding CRLF: pretend the CRLF was there.
        buf[0] = '\r';
        buf[1] = '\n';
        limit = 2;
    }

    /** The boundary parameter of a multipart Content-Type, wherever it stands among the parameters. */
    public static String boundaryOf(String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw ApiException.invalid(null, "Expected Content-Type multipart/form-data with 'purpose' and 'file' parts, got '"
                    + contentType + "'.");
        }
        for (String param : contentType.split(";")) {
            String p = param.strip();
            if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String b = p.substring("boundary=".length()).strip();
                if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) b = b.substring(1, b.length() - 1);
                if (!b.isEmpty() && b.length() <= 200) return b;
            }
        }
        throw ApiException.invalid(null, "The multipart Content-Type has no valid boundary parameter.");
    }

    /** The next part, or null after the closing delimiter. Skips whatever is left of the previous part. */
    public Part next() throws IOException {
        if (current != null) {
            current.skipRest();
            current = null;
        } else if (!finished) {
            skipPreamble();
        }
        if (finished) return null;
        if (!afterDelimiter()) {
            finished = true;
            return null;
        }
        Map<String, String> headers = readHeaders();
        Map<String, String> disposition = dispositionParams(headers.get("content-disposition"));
        current = new PartStream();
        return new Part(disposition.get("name"), disposition.get("filename"), headers.get("content-type"), current);
    }

    private void skipPreamble() throws IOException {
        PartStream preamble = new PartStream();
        preamble.skipRest();
    }

    /** After a delimiter: "--" closes the body; otherwise optional padding then CRLF starts a part. */
    private boolean afterDelimiter() throws IOException {
        int a = read();
        int b = read();
        if (a == '-' && b == '-') return false;
        int c = a;
        int d = b;
        while (c == ' ' || c == '\t') {
            c = d;
            d = read();
        }
        if (c != '\r' || d != '\n') throw malformed("a part delimiter is not followed by a line break");
        return true;
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        int total = 0;
        while (true) {
            StringBuilder line = new StringBuilder();
            for (int ch; (ch = read()) != '\n'; ) {
                if (ch == -1) throw malformed("the body ends inside part headers");
                if (++total > MAX_HEADER_BYTES) throw malformed("part headers exceed " + MAX_HEADER_BYTES + " bytes");
                if (ch != '\r') line.append((char) ch);
            }
            if (line.isEmpty()) return headers;
            int colon = line.indexOf(":");
            if (colon > 0) {
                headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
        }
    }

    static Map<String, String> dispositionParams(String disposition) {
        Map<String, String> params = new LinkedHashMap<>();
        if (disposition == null) return params;
        // Header bytes were read as ISO-8859-1; clients send UTF-8 file names, so re-decode them.
        String value = new String(disposition.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        for (String piece : splitParams(value)) {
            int eq = piece.indexOf('=');
            if (eq <= 0) continue;
            String key = piece.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String v = piece.substring(eq + 1).strip();
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                v = v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
            }
            params.put(key, v);
        }
        return params;
    }

    /** Splits on ';' outside double quotes. */
    private static java.util.List<String> splitParams(String value) {
        java.util.List<String> out = new java.util.ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' && (i == 0 || value.charAt(i - 1) != '\\')) quoted = !quoted;
            if (c == ';' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    private int read() throws IOException {
        if (pos == limit && !fill()) return -1;
        return buf[pos++] & 0xff;
    }

    /** Moves unread bytes to the front and reads more; false at the end of the stream. */
    private boolean fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        int n;
        try {
            n = in.read(buf, limit, buf.length - limit);
        } catch (IOException e) {
            // The client went away or sent a broken body: its problem, not a server failure.
            throw ApiException.invalid(null, "The request body could not be read to its end: " + e.getMessage());
        }
        if (n <= 0) return false;
        limit += n;
        return true;
    }

    private static ApiException malformed(String why) {
        return ApiException.invalid(null, "Malformed multipart body: " + why + ".");
    }

    /** The body of one part: ends right before the next delimiter, which it consumes. */
    private final class PartStream extends InputStream {
        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) return -1;
            if (len == 0) return 0;
            while (true) {
                int match = indexOf(delimiter, pos, limit);
                if (match >= 0) {
                    if (match == pos) {
                        pos += delimiter.length;
                        done = true;
                        return -1;
                    }
                    return copyOut(b, off, Math.min(len, match - pos));
                }
                // Bytes that cannot begin a delimiter are safe to hand out.
                int safe = limit - pos - (delimiter.length - 1);
                if (safe > 0) return copyOut(b, off, Math.min(len, safe));
                if (!fill()) throw malformed("the body ends before the closing boundary");
            }
        }

        private int copyOut(byte[] b, int off, int n) {
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        void skipRest() throws IOException {
            byte[] scratch = new byte[8192];
            while (read(scratch, 0, scratch.length) != -1) {
                // discard
            }
        }
    }

    private int indexOf(byte[] needle, int from, int to) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buf[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }
}
