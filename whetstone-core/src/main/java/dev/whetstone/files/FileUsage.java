package dev.whetstone.files;

import java.util.Optional;

/** Tells whether something still needs a file; deleting it then answers 409 naming the user. */
@FunctionalInterface
public interface FileUsage {
    /** A description of what uses the file (e.g. "fine-tuning job ftjob-…, status running"), or empty. */
    Optional<String> activeUserOf(String fileId);

    FileUsage NONE = id -> Optional.empty();
}
