package dev.whetstone.server.http;

import dev.whetstone.error.ErrorCode;
import dev.whetstone.server.api.ErrorMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers what Jetty refuses before any of our handlers runs — a broken request line or header, an overlong URI,
 * headers over the limit, an ambiguous or illegal path, a bad Content-Length or chunk — in the API's error envelope
 * rather than Jetty's HTML page. Installed on the server (failures while parsing a request) and on the servlet
 * context (failures inside it), for every method: Jetty's own handler leaves PUT and DELETE without a body.
 */
public final class EnvelopeErrorHandler extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        String reason = (String) request.getAttribute(ERROR_MESSAGE);
        if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException http) {
            status = http.getCode();
            if (reason == null) reason = http.getReason();
        }
        // 505 (HTTP/2 or a made-up version over HTTP/1) and 501 (a transfer coding Jetty does not implement)
        // describe the client's request, not a failure of the service.
        if (status == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505) reason = "Unsupported HTTP version; send HTTP/1.1";
        if (status == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505 || status == HttpStatus.NOT_IMPLEMENTED_501) {
            status = HttpStatus.BAD_REQUEST_400;
        }
        ErrorCode code = ErrorMapper.codeFor(status);
        // Any other 5xx is ours: its status follows the code (500 internalFailure, 503 serviceUnavailable).
        if (status >= 500) status = code.httpStatus();
        response.setStatus(status);
        if (HttpStatus.hasNoBody(status)) {
            callback.succeeded();
            return true;
        }
        generateCacheControl(response);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        String body = ErrorMapper.envelope(code, message(status, reason), null).toString();
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }

    /**
     * Jetty's reason ("URI Too Long", "Illegal character CNTL=0x0", "Ambiguous URI path separator") says what was
     * wrong; a reason that is an exception's text would show internals, so the status's own text replaces it.
     */
    static String message(int status, String reason) {
        String what = reason == null || reason.isBlank() || reason.contains("Exception") || reason.contains("\n")
                ? HttpStatus.getMessage(status) : reason;
        String hint = switch (status) {
            case HttpStatus.URI_TOO_LONG_414 -> " Shorten the path and query.";
            case HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431 -> " Send fewer or shorter headers.";
            case HttpStatus.PAYLOAD_TOO_LARGE_413 -> " Send a smaller body.";
            default -> "";
        };
        return "The HTTP request was refused before it reached the API: " + what + "." + hint;
    }
}
