package dev.whetstone.testing;

import dev.whetstone.cluster.ProcessRecord;
import dev.whetstone.store.ProcessStore;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link ProcessStore} in a map; checked by ProcessStoreContract like the SQL store. */
public final class InMemoryProcessStore implements ProcessStore {
    private final Map<String, ProcessRecord> rows = new LinkedHashMap<>();

    @Override
    public synchronized void put(ProcessRecord process) {
        ProcessRecord old = rows.get(process.id());
        // As the SQL store: identity columns are written once; a later put refreshes only the heartbeat's fields.
        rows.put(process.id(), old == null ? process
                : old.beat(process.heartbeatAt(), process.state(), process.jobs(), process.deployments()));
    }

    @Override
    public synchronized List<ProcessRecord> list() {
        return rows.values().stream().sorted(Comparator.comparing((ProcessRecord p) -> p.kind().wireName())
                .thenComparingLong(ProcessRecord::startedAt).thenComparing(ProcessRecord::id)).toList();
    }

    @Override
    public synchronized boolean delete(String id) {
        return rows.remove(id) != null;
    }

    @Override
    public synchronized int deleteStale(long heartbeatBeforeMillis) {
        int before = rows.size();
        rows.values().removeIf(p -> p.heartbeatAt() < heartbeatBeforeMillis);
        return before - rows.size();
    }
}
