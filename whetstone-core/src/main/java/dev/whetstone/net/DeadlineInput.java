package dev.whetstone.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A socket's input under one deadline: every read may block only for the time that is left, so a server that
 * trickles its answer byte by byte is cut off when the deadline passes, not when it pauses.
 */
final class DeadlineInput {
    private final Socket socket;
    private final InputStream in;
    private final Deadline deadline;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;

    DeadlineInput(Socket socket, Deadline deadline) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.deadline = deadline;
    }

    String host() { return deadline.host(); }

    /** One byte, or -1 at the end of the connection. */
    int read() throws IOException {
        if (position == limit && !fill()) return -1;
        return buffer[position++] & 0xff;
    }

    /** Up to {@code length} bytes, or -1 at the end of the connection. */
    int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) return 0;
        if (position == limit && !fill()) return -1;
        int n = Math.min(length, limit - position);
        System.arraycopy(buffer, position, target, offset, n);
        position += n;
        return n;
    }

    /** A header or chunk-size line without its CRLF; null at the end of the connection before any byte. */
    String line() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = read();
            if (b < 0) {
                if (line.isEmpty()) return null;
                throw new FetchException(host() + " ended the connection in the middle of a line.");
            }
            if (b == '\n') {
                int end = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1 : line.length();
                return line.substring(0, end);
            }
            if (line.length() >= SafeHttpFetcher.maxLine()) {
                throw new FetchException(host() + " sent a line longer than " + SafeHttpFetcher.maxLine() + " bytes.");
            }
            line.append((char) b); // ISO-8859-1: header bytes are opaque octets
        }
    }

    void close() throws IOException {
        socket.close();
    }

    private boolean fill() throws IOException {
        deadline.arm(socket);
        int n;
        try {
            n = in.read(buffer);
        } catch (SocketTimeoutException e) {
            throw deadline.timedOut();
        }
        if (n <= 0) return false;
        position = 0;
        limit = n;
        return true;
    }
}
