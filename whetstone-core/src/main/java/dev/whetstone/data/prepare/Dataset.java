package dev.whetstone.data.prepare;

import dev.whetstone.data.ExampleFormat;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The examples being prepared, in input order, and the choices fixes may change (the validation split).
 * Not thread-safe: one preparation edits it step by step.
 */
public final class Dataset {
    private final String unit;
    private final ExampleFormat format;
    private final List<Draft> drafts;
    private Double validationSplit;

    public Dataset(String unit, ExampleFormat format, List<Draft> drafts, Double validationSplit) {
        this.unit = unit;
        this.format = format;
        this.drafts = new ArrayList<>(drafts);
        this.validationSplit = validationSplit;
    }

    /** What a row number counts: "row", "line" or "record". */
    public String unit() { return unit; }

    public ExampleFormat format() { return format; }

    public List<Draft> drafts() { return java.util.Collections.unmodifiableList(drafts); }

    /** Share of examples written to the validation file; null for none. */
    public Double validationSplit() { return validationSplit; }

    void validationSplit(double share) { validationSplit = share; }

    void remove(Collection<Draft> gone) {
        java.util.Set<Draft> set = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        set.addAll(gone);
        drafts.removeIf(set::contains);
    }
}
