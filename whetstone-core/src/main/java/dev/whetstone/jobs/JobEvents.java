package dev.whetstone.jobs;

import dev.whetstone.Ids;
import dev.whetstone.store.JobEventStore;
import java.time.Clock;
import java.util.Map;

/** Appends a job's events with Azure's wording and levels (docs/reference/API.md 3.10). */
public final class JobEvents {
    private final JobEventStore store;
    private final Clock clock;

    public JobEvents(JobEventStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public JobEvent info(String jobId, String message) { return append(jobId, "info", "message", message, null); }

    public JobEvent warning(String jobId, String message) { return append(jobId, "warning", "message", message, null); }

    public JobEvent error(String jobId, String message) { return append(jobId, "error", "message", message, null); }

    public JobEvent metrics(String jobId, String message, Map<String, Object> data) {
        return append(jobId, "info", "metrics", message, data);
    }

    private JobEvent append(String jobId, String level, String type, String message, Map<String, Object> data) {
        return store.append(new JobEvent(Ids.newId("ftevent-"), jobId, clock.instant().getEpochSecond(), 0, level,
                type, message, data));
    }
}
