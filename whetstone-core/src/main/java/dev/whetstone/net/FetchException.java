package dev.whetstone.net;

import java.io.IOException;

/** An outbound fetch failed; the message says why in words fit for the API client (no stack detail). */
public class FetchException extends IOException {
    public FetchException(String message) {
        super(message);
    }

    public FetchException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The content is larger than the caller's size cap (the Content-Length said so, or more bytes came). */
    public static final class TooLarge extends FetchException {
        public TooLarge(String message) {
            super(message);
        }
    }

    /** The target's name resolves to an address the policy does not allow (see {@link OutboundAddressPolicy}). */
    public static final class Refused extends FetchException {
        public Refused(String message) {
            super(message);
        }
    }
}
