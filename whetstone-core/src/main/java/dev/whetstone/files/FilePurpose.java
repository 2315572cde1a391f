package dev.whetstone.files;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** File purposes of docs/reference/API.md 2.2. Users may upload {@link #FINE_TUNE}; results files are made by the service. */
public enum FilePurpose {
    FINE_TUNE("fine-tune"),
    FINE_TUNE_RESULTS("fine-tune-results"),
    ASSISTANTS("assistants"),
    ASSISTANTS_OUTPUT("assistants_output"),
    BATCH("batch"),
    BATCH_OUTPUT("batch_output"),
    EVALS("evals"),
    EVALS_OUTPUT("evals_output");

    private final String wireName;

    FilePurpose(String wireName) { this.wireName = wireName; }

    public String wireName() { return wireName; }

    public static Optional<FilePurpose> fromWire(String value) {
        return Arrays.stream(values()).filter(p -> p.wireName.equals(value)).findFirst();
    }

    public static String allowedList() {
        return Arrays.stream(values()).map(FilePurpose::wireName).collect(Collectors.joining(", "));
    }
}
