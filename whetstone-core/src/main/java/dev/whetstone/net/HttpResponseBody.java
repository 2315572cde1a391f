package dev.whetstone.net;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * The body of an HTTP/1.1 response to a GET, after a strict reading of its head: a 200 is required (a 3xx names
 * its redirect target, which is not followed), and the body is framed by chunked encoding, Content-Length or the
 * end of the connection, as RFC 9112 section 6.3 orders them. Reads stop with an error past the size cap.
 */
final class HttpResponseBody extends InputStream {
    private enum Framing { LENGTH, CHUNKED, CLOSE }

    private final DeadlineInput in;
    private final Framing framing;
    private final long maxBytes;
    private long left; // LENGTH: bytes still to come; CHUNKED: bytes left in this chunk
    private long total;
    private boolean ended;

    private HttpResponseBody(DeadlineInput in, Framing framing, long length, long maxBytes) {
        this.in = in;
        this.framing = framing;
        this.left = length;
        this.maxBytes = maxBytes;
        this.ended = framing == Framing.LENGTH && length == 0;
    }

    static HttpResponseBody read(DeadlineInput in, String host, long maxBytes) throws IOException {
        int status;
        String contentLength = null;
        String transferEncoding = null;
        String location = null;
        do {
            contentLength = transferEncoding = location = null;
            String statusLine = in.line();
            if (statusLine == null) throw new FetchException(host + " closed the connection without answering.");
            if (!statusLine.matches("HTTP/1\\.[01] [0-9]{3}( .*)?")) {
                throw new FetchException(host + " did not answer with HTTP/1.1 (status line '" + printable(statusLine)
                        + "').");
            }
            status = Integer.parseInt(statusLine.substring(9, 12));
            int headerBytes = 0;
            for (String line = in.line(); line != null && !line.isEmpty(); line = in.line()) {
                headerBytes += line.length() + 2;
                if (headerBytes > SafeHttpFetcher.maxHeaderBytes()) {
                    throw new FetchException(host + " sent more than " + SafeHttpFetcher.maxHeaderBytes()
                            + " bytes of headers.");
                }
                int colon = line.indexOf(':');
                if (colon <= 0 || Character.isWhitespace(line.charAt(0)) || Character.isWhitespace(line.charAt(colon - 1))) {
                    throw new FetchException(host + " sent a malformed header line '" + printable(line) + "'.");
                }
                String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).strip();
                switch (name) {
                    case "content-length" -> {
                        if (contentLength != null && !contentLength.equals(value)) {
                            throw new FetchException(host + " sent conflicting Content-Length headers.");
                        }
                        contentLength = value;
                    }
                    case "transfer-encoding" -> transferEncoding = transferEncoding == null ? value
                            : transferEncoding + ", " + value;
                    case "location" -> location = value;
                    default -> { }
                }
            }
        } while (status >= 100 && status < 200); // interim answers carry no body; the real one follows
        if (status >= 300 && status < 400) {
            throw new FetchException(host + " answered HTTP " + status + (location == null ? ""
                    : " with a redirect to '" + printable(location) + "'") + "; redirects are not followed.");
        }
        if (status != 200) throw new FetchException(host + " answered HTTP " + status + ".");
        if (transferEncoding != null) {
            if (!transferEncoding.equalsIgnoreCase("chunked")) {
                throw new FetchException(host + " sent Transfer-Encoding '" + printable(transferEncoding)
                        + "'; only chunked is supported.");
            }
            return new HttpResponseBody(in, Framing.CHUNKED, 0, maxBytes);
        }
        if (contentLength != null) {
            long length;
            try {
                length = contentLength.matches("[0-9]{1,18}") ? Long.parseLong(contentLength) : -1;
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length < 0) {
                throw new FetchException(host + " sent an invalid Content-Length '" + printable(contentLength) + "'.");
            }
            if (length > maxBytes) throw tooLarge(host, maxBytes);
            return new HttpResponseBody(in, Framing.LENGTH, length, maxBytes);
        }
        return new HttpResponseBody(in, Framing.CLOSE, 0, maxBytes);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) return 0;
        if (ended) return -1;
        if (framing == Framing.CHUNKED && left == 0 && !nextChunk()) return -1;
        int want = framing == Framing.CLOSE ? length : (int) Math.min(length, left);
        int n = in.read(target, offset, want);
        if (n < 0) {
            if (framing == Framing.CLOSE) {
                ended = true;
                return -1;
            }
            throw new FetchException(in.host() + " ended the connection before the whole content arrived ("
                    + total + " bytes came).");
        }
        total += n;
        if (total > maxBytes) throw tooLarge(in.host(), maxBytes);
        if (framing != Framing.CLOSE) {
            left -= n;
            if (framing == Framing.LENGTH && left == 0) ended = true;
            if (framing == Framing.CHUNKED && left == 0) expectLineEnd("after a chunk");
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Reads the next chunk-size line; false (and the trailers read) at the last chunk. */
    private boolean nextChunk() throws IOException {
        String line = in.line();
        if (line == null) throw new FetchException(in.host() + " ended the connection inside the chunked content.");
        int semicolon = line.indexOf(';');
        String size = (semicolon >= 0 ? line.substring(0, semicolon) : line).strip();
        if (!size.matches("[0-9A-Fa-f]{1,15}")) {
            throw new FetchException(in.host() + " sent an invalid chunk size '" + printable(size) + "'.");
        }
        left = Long.parseLong(size, 16);
        if (left > 0) return true;
        for (String trailer = in.line(); trailer != null && !trailer.isEmpty(); trailer = in.line()) {
            // trailers carry nothing this client uses; the line reader bounds each one
        }
        ended = true;
        return false;
    }

    private void expectLineEnd(String where) throws IOException {
        String rest = in.line();
        if (rest == null || !rest.isEmpty()) {
            throw new FetchException(in.host() + " sent malformed chunked content (no line end " + where + ").");
        }
    }

    private static FetchException tooLarge(String host, long maxBytes) {
        return new FetchException.TooLarge("The content from " + host + " is larger than the limit of " + maxBytes + " bytes.");
    }

    /** Text from the remote side, made safe to show in an error message. */
    private static String printable(String text) {
        String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
