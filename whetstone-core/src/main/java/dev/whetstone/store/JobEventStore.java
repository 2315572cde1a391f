package dev.whetstone.store;

import dev.whetstone.jobs.JobEvent;
import dev.whetstone.jobs.MetricsRow;
import java.util.List;

/**
 * A job's events and its results.csv rows. Rows are keyed by step so a resumed run never duplicates one.
 * Event {@code data} holds JSON values (String, Boolean, Integer, Long beyond int range, Double, null, nested
 * Map/List) and must read back equal.
 */
public interface JobEventStore {
    /** Appends with the next seq of that job (1, 2, …; the given seq is ignored); returns the stored event. */
    JobEvent append(JobEvent event);

    /** Newest first (highest seq first), or oldest first when ascending; {@code after} is an event id. An
     *  unknown {@code after} gives an empty page. */
    Page<JobEvent> list(String jobId, PageRequest page);

    /** Inserts or replaces the row of that step. */
    void putMetrics(String jobId, MetricsRow row);

    /** Ascending by step. */
    List<MetricsRow> metrics(String jobId);

    /** Removes the job's events and metrics rows (when the job itself is deleted). */
    void deleteAll(String jobId);
}
