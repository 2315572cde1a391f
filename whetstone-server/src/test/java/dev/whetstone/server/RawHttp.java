package dev.whetstone.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.server.api.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain loopback socket, for requests the JDK client will not send (bodies without a length, broken
 * request lines, forbidden header bytes). The caller writes the whole request; the server is expected to close the
 * connection after its answer (send {@code Connection: close}).
 */
final class RawHttp {
    private RawHttp() {}

    /** An answer: status, headers by lower-case name, and the body with any chunked framing removed. */
    record Response(int status, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.getFirst();
        }

        String text() { return new String(body, StandardCharsets.UTF_8); }

        JsonNode json() throws IOException { return Json.MAPPER.readTree(body); }
    }

    /**
     * Sends {@code request} and reads the answer until the server closes. A write the server cuts short (it may
     * answer and close before reading a body it refuses) is not an error: the answer is still read.
     */
    static Response exchange(int port, byte[] request, Duration timeout) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
                socket.shutdownOutput();
            } catch (IOException cutShort) {
                // read what the server said before closing
            }
            return parse(socket.getInputStream());
        }
    }

    static Response parse(InputStream in) throws IOException {
        byte[] all = in.readAllBytes();
        int split = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
        if (split < 0) throw new IOException("no complete response head in " + all.length + " bytes: "
                + new String(all, StandardCharsets.ISO_8859_1));
        String[] lines = new String(all, 0, split, StandardCharsets.ISO_8859_1).split("\r\n");
        if (!lines[0].startsWith("HTTP/1.") || lines[0].length() < 12) throw new IOException("bad status line: " + lines[0]);
        int status = Integer.parseInt(lines[0].substring(9, 12));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) continue;
            headers.computeIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).strip());
        }
        byte[] body = Arrays.copyOfRange(all, split + 4, all.length);
        List<String> encoding = headers.get("transfer-encoding");
        List<String> length = headers.get("content-length");
        if (encoding != null && encoding.getLast().toLowerCase(Locale.ROOT).contains("chunked")) {
            body = dechunk(body);
        } else if (length != null && Integer.parseInt(length.getFirst()) < body.length) {
            body = Arrays.copyOf(body, Integer.parseInt(length.getFirst())); // anything after is not this answer's
        }
        return new Response(status, headers, body);
    }

    private static byte[] dechunk(byte[] chunked) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
        int pos = 0;
        while (true) {
            int eol = indexOf(chunked, crlf, pos);
            if (eol < 0) throw new IOException("chunked body ends without its last chunk");
            String sizeLine = new String(chunked, pos, eol - pos, StandardCharsets.US_ASCII);
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip(), 16);
            if (size == 0) return out.toByteArray();
            out.write(chunked, eol + 2, size);
            pos = eol + 2 + size + 2;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }
}
