package dev.whetstone.store;

import dev.whetstone.cluster.ProcessRecord;
import java.util.List;

/** The process registry: one row per running {@code serve} or {@code worker} process (ProcessStoreContract). */
public interface ProcessStore {
    /** Inserts the process or replaces its row (same id). */
    void put(ProcessRecord process);

    /** Every registered process, by kind, then start time, then id. */
    List<ProcessRecord> list();

    /** Removes the row; false when there was none. */
    boolean delete(String id);

    /** Removes the rows whose last heartbeat is before {@code heartbeatBeforeMillis}; returns how many. */
    int deleteStale(long heartbeatBeforeMillis);
}
