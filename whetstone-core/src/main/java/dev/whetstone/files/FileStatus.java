package dev.whetstone.files;

/** Azure FileState (docs/reference/API.md 2.2): pending → running → processed | error; deleted is terminal. */
public enum FileStatus {
    PENDING("pending"),
    RUNNING("running"),
    PROCESSED("processed"),
    ERROR("error"),
    DELETED("deleted");

    private final String wireName;

    FileStatus(String wireName) { this.wireName = wireName; }

    public String wireName() { return wireName; }

    public static FileStatus fromWire(String value) {
        for (FileStatus s : values()) {
            if (s.wireName.equals(value)) return s;
        }
        throw new IllegalArgumentException("unknown file status " + value);
    }

    public boolean isTerminal() { return this == PROCESSED || this == ERROR || this == DELETED; }
}
