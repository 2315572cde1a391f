package dev.whetstone.data.prepare;

/**
 * An input file that cannot be turned into examples at all: wrong encoding, a corrupt or oversized spreadsheet, a
 * cell past the size limit, columns that do not fit together. The message is one line for a person: what is wrong,
 * where, and what to do.
 */
public final class BadInputException extends Exception {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
