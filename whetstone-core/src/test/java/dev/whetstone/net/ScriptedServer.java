package dev.whetstone.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A loopback server that answers every connection with a script written straight to the socket. */
final class ScriptedServer implements AutoCloseable {
    /** What the server does with an accepted connection whose request head has been read. */
    interface Script {
        void answer(Socket socket) throws Exception;
    }

    private final ServerSocket server;
    private final Thread thread;
    final AtomicInteger connections = new AtomicInteger();
    final List<String> requests = new CopyOnWriteArrayList<>();

    ScriptedServer(ServerSocket server, Script script) {
        this.server = server;
        this.thread = Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    connections.incrementAndGet();
                    requests.add(readHead(socket.getInputStream()));
                    script.answer(socket);
                } catch (Exception e) {
                    // a client that gave up (deadline, size cap) or the server closing: next connection
                }
            }
        });
    }

    static ScriptedServer plain(Script script) throws IOException {
        return new ScriptedServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), script);
    }

    /** A script that writes {@code response} (CRLFs included) and closes. */
    static Script writes(String response) {
        return socket -> socket.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
    }

    int port() { return server.getLocalPort(); }

    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) break;
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') break;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws Exception {
        server.close();
        thread.join(5000);
    }
}
