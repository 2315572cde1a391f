package dev.whetstone.server.api.inference;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.error.ApiException;
import dev.whetstone.server.api.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A server-sent event stream (docs/reference/API.md 6.1): {@code data: <json>} and a blank line per event, flushed at once so each
 * token reaches the client as it is generated. Written to the servlet stream itself, past Javalin's compression,
 * which would hold small events back. A failed write means the client went away.
 */
final class SseStream {
    /** The client closed the connection. */
    static final class ClientGone extends Exception {
        ClientGone(IOException cause) {
            super(cause);
        }
    }

    private final OutputStream out;

    private SseStream(OutputStream out) {
        this.out = out;
    }

    static SseStream open(Context ctx) throws ClientGone {
        ctx.status(200);
        ctx.res().setContentType("text/event-stream");
        ctx.res().setCharacterEncoding("utf-8");
        ctx.header("Cache-Control", "no-cache");
        ctx.header("X-Accel-Buffering", "no"); // reverse proxies must not buffer a stream either
        try {
            return new SseStream(ctx.res().getOutputStream());
        } catch (IOException e) {
            throw new ClientGone(e);
        }
    }

    void send(ObjectNode event) throws ClientGone {
        write("data: " + event + "\n\n");
    }

    /** An error after the stream started: the status is already 200, so the error is an event and the stream ends. */
    void error(ApiException e) throws ClientGone {
        ObjectNode error = Json.MAPPER.createObjectNode();
        error.put("code", e.code().wireName());
        error.put("message", e.getMessage());
        error.put("param", e.param());
        error.put("type", e.code().httpStatus() >= 500 ? "server_error" : "invalid_request_error");
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("error", error);
        send(body);
    }

    void done() throws ClientGone {
        write("data: [DONE]\n\n");
    }

    private void write(String event) throws ClientGone {
        try {
            out.write(event.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new ClientGone(e);
        }
    }
}
