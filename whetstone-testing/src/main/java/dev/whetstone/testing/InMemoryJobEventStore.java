package dev.whetstone.testing;

import dev.whetstone.jobs.JobEvent;
import dev.whetstone.jobs.MetricsRow;
import dev.whetstone.store.JobEventStore;
import dev.whetstone.store.Page;
import dev.whetstone.store.PageRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A {@link JobEventStore} in lists and maps. Checked by JobEventStoreContract like the SQL store. */
public final class InMemoryJobEventStore implements JobEventStore {
    private final Map<String, List<JobEvent>> events = new HashMap<>();
    private final Map<String, TreeMap<Integer, MetricsRow>> metrics = new HashMap<>();

    @Override
    public synchronized JobEvent append(JobEvent event) {
        List<JobEvent> list = events.computeIfAbsent(event.jobId(), k -> new ArrayList<>());
        long seq = list.isEmpty() ? 1 : list.getLast().seq() + 1;
        JobEvent stored = new JobEvent(event.id(), event.jobId(), event.createdAt(), seq, event.level(), event.type(),
                event.message(), event.data());
        list.add(stored);
        return stored;
    }

    @Override
    public synchronized Page<JobEvent> list(String jobId, PageRequest page) {
        return Paging.page(events.getOrDefault(jobId, List.of()), Comparator.comparingLong(JobEvent::seq),
                JobEvent::id, page);
    }

    @Override
    public synchronized void putMetrics(String jobId, MetricsRow row) {
        metrics.computeIfAbsent(jobId, k -> new TreeMap<>()).put(row.step(), row);
    }

    @Override
    public synchronized List<MetricsRow> metrics(String jobId) {
        return List.copyOf(metrics.getOrDefault(jobId, new TreeMap<>()).values());
    }

    @Override
    public synchronized void deleteAll(String jobId) {
        events.remove(jobId);
        metrics.remove(jobId);
    }
}
