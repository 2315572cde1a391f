package dev.whetstone.data.image;

/** Why an image reference could not become pixels; the message is shown to the user as it is. */
public final class ImageLoadException extends Exception {
    /** The kinds the validation report and the API name. */
    public enum Reason { UNREACHABLE, TOO_LARGE, NOT_AN_IMAGE, UNSUPPORTED_FORMAT, INVALID_URL }

    private final Reason reason;

    public ImageLoadException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() { return reason; }
}
