package dev.whetstone.error;

/**
 * A failure the client should hear about: domain code throws it, and the server's one ErrorMapper
 * turns it into the error envelope. {@code param} names the offending input field, when there is one.
 */
public class ApiException extends RuntimeException {
    private final ErrorCode code;
    private final String param;

    public ApiException(ErrorCode code, String message, String param) {
        super(message);
        this.code = code;
        this.param = param;
    }

    public ApiException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public ErrorCode code() { return code; }

    public String param() { return param; }

    public static ApiException invalid(String param, String message) {
        return new ApiException(ErrorCode.INVALID_PAYLOAD, message, param);
    }

    public static ApiException notFound(String what, String id) {
        return new ApiException(ErrorCode.NOT_FOUND, what + " '" + id + "' was not found.");
    }

    public static ApiException conflict(String message) {
        return new ApiException(ErrorCode.CONFLICT, message);
    }

    public static ApiException wrongState(String message) {
        return new ApiException(ErrorCode.UNEXPECTED_ENTITY_STATE, message);
    }
}
