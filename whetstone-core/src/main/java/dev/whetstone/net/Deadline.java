package dev.whetstone.net;

import java.net.Socket;
import java.time.Duration;

/** One fetch's deadline, shared by connecting, the TLS handshake, the headers and the body. */
record Deadline(long atNanos, Duration total, String host) {
    static Deadline in(Duration total, String host) {
        return new Deadline(System.nanoTime() + total.toNanos(), total, host);
    }

    long millisLeft() {
        return Math.max(0, (atNanos - System.nanoTime() + 999_999) / 1_000_000);
    }

    /** Limits {@code socket}'s next blocking operations to the time left; fails when none is left. */
    void arm(Socket socket) throws java.io.IOException {
        long left = millisLeft();
        if (left <= 0) throw timedOut();
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
    }

    FetchException timedOut() {
        return new FetchException("The download from " + host + " did not finish within " + total.toSeconds() + " s.");
    }
}
