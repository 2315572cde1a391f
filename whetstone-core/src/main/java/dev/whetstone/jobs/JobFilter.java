package dev.whetstone.jobs;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A job list's metadata filter (OpenAI's {@code metadata[k]=v}, deepObject style): every pair must be in the
 * job's metadata; or {@code withoutMetadata} ({@code metadata=null}): only jobs that have none.
 */
public record JobFilter(Map<String, String> metadataEquals, boolean withoutMetadata) {
    public static final JobFilter NONE = new JobFilter(Map.of(), false);

    public JobFilter {
        metadataEquals = Collections.unmodifiableMap(new LinkedHashMap<>(metadataEquals));
        if (withoutMetadata && !metadataEquals.isEmpty()) {
            throw new IllegalArgumentException("a filter cannot ask for no metadata and for metadata pairs");
        }
    }

    public boolean matches(FineTuningJob job) {
        if (withoutMetadata) return job.metadata() == null;
        if (metadataEquals.isEmpty()) return true;
        if (job.metadata() == null) return false;
        return metadataEquals.entrySet().stream().allMatch(e -> e.getValue().equals(job.metadata().get(e.getKey())));
    }
}
