package dev.whetstone.engine.inference.schema;

/** A schema outside the supported subset, or malformed: {@code path} is where (e.g. {@code schema.properties.x.pattern}). */
public final class SchemaException extends RuntimeException {
    private final String path;

    SchemaException(String path, String message) {
        super(message);
        this.path = path;
    }

    /** The offending keyword's place, dotted from the path the compiler was given. */
    public String path() { return path; }
}
