package dev.whetstone.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds multipart bodies the way real clients do (docs/reference/CLIENTS.md 3), for tests. */
final class Multipart {
    static final String BOUNDARY = "----whetstoneTestBoundary7MA4YWxkTrZu0gW";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Multipart field(String name, String value, String contentType) {
        head("Content-Disposition: form-data; name=\"" + name + "\"", contentType);
        write(value.getBytes(StandardCharsets.UTF_8));
        write("\r\n".getBytes(StandardCharsets.UTF_8));
        return this;
    }

    Multipart file(String filename, byte[] content, String contentType) {
        head("Content-Disposition: form-data; name=\"file\"; filename=\"" + filename + "\"", contentType);
        write(content);
        write("\r\n".getBytes(StandardCharsets.UTF_8));
        return this;
    }

    byte[] build() {
        write(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private void head(String disposition, String contentType) {
        StringBuilder sb = new StringBuilder("--" + BOUNDARY + "\r\n" + disposition + "\r\n");
        if (contentType != null) sb.append("Content-Type: ").append(contentType).append("\r\n");
        sb.append("\r\n");
        write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void write(byte[] b) {
        out.writeBytes(b);
    }
}
