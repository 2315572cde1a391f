package dev.whetstone.store;

import dev.whetstone.jobs.JobEvent;
import dev.whetstone.jobs.MetricsRow;
import java.util.List;

/** A job's events and its results.csv rows. Rows are keyed by step so a resumed run never duplicates one. */
public interface JobEventStore {
    /** Appends with the next seq of that job; returns the stored event. */
    JobEvent append(JobEvent event);

    /** Newest first; {@code after} is an event id. */
    Page<JobEvent> list(String jobId, PageRequest page);

    /** Inserts or replaces the row of that step. */
    void putMetrics(String jobId, MetricsRow row);

    /** Ascending by step. */
    List<MetricsRow> metrics(String jobId);
}
