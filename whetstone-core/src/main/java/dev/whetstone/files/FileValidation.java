package dev.whetstone.files;

import java.io.IOException;
import java.io.InputStream;

/** Checks a stored training file's content, streaming. Implemented over the data package's validator. */
public interface FileValidation {
    Result validate(InputStream content) throws IOException;

    /** @param details the first failing lines and why, shown as the file's status_details (null when ok) */
    record Result(boolean ok, FileStatistics statistics, String details) {}
}
