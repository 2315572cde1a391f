package dev.whetstone.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.cluster.Drain;
import dev.whetstone.cluster.ProcessRecord;
import dev.whetstone.cluster.ProcessRecord.Kind;
import dev.whetstone.cluster.ProcessRecord.State;
import dev.whetstone.cluster.ProcessRegistry;
import dev.whetstone.cluster.RegistrySettings;
import dev.whetstone.store.ProcessStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link ProcessStore} adapter must have, and the registry on top of it. Subclass per adapter. */
public abstract class ProcessStoreContract {
    protected ProcessStore store;

    protected abstract ProcessStore emptyStore() throws Exception;

    @BeforeEach
    final void setUpStore() throws Exception {
        store = emptyStore();
    }

    private static ProcessRecord process(String id, Kind kind, long startedAt, long heartbeatAt) {
        return new ProcessRecord(id, kind, "host-a", 42, "1.2.3", startedAt, heartbeatAt, State.RUNNING,
                List.of(), List.of());
    }

    @Test
    void putInsertsThenRefreshesTheHeartbeatFieldsOnly() {
        store.put(process("worker-1", Kind.WORKER, 100, 100));
        store.put(new ProcessRecord("worker-1", Kind.WORKER, "other-host", 7, "9.9", 999, 250, State.DRAINING,
                List.of("ftjob-a", "ftjob-b"), List.of()));
        assertThat(store.list()).containsExactly(new ProcessRecord("worker-1", Kind.WORKER, "host-a", 42, "1.2.3",
                100, 250, State.DRAINING, List.of("ftjob-a", "ftjob-b"), List.of()));
    }

    @Test
    void listsByKindThenStartTimeAndDeletes() {
        store.put(process("worker-2", Kind.WORKER, 300, 300));
        store.put(process("worker-1", Kind.WORKER, 200, 200));
        store.put(new ProcessRecord("serve-1", Kind.SERVE, "host-b", 5, "1.2.3", 400, 400, State.RUNNING, List.of(),
                List.of("chat-a", "chat-b")));
        assertThat(store.list()).extracting(ProcessRecord::id).containsExactly("serve-1", "worker-1", "worker-2");
        assertThat(store.list().getFirst().deployments()).containsExactly("chat-a", "chat-b");
        assertThat(store.delete("worker-1")).isTrue();
        assertThat(store.delete("worker-1")).isFalse();
        assertThat(store.list()).extracting(ProcessRecord::id).containsExactly("serve-1", "worker-2");
    }

    @Test
    void deleteStaleRemovesOnlyRowsWithOlderHeartbeats() {
        store.put(process("old", Kind.WORKER, 0, 1_000));
        store.put(process("edge", Kind.WORKER, 0, 2_000));
        store.put(process("fresh", Kind.SERVE, 0, 3_000));
        assertThat(store.deleteStale(2_000)).isEqualTo(1);
        assertThat(store.list()).extracting(ProcessRecord::id).containsExactly("fresh", "edge");
    }

    /** The registry writes its row at start, shows jobs, deployments and draining at each beat, prunes, and leaves. */
    @Test
    void theRegistryKeepsItsRowFreshPrunesTheDeadAndLeavesOnClose() {
        ManualClock clock = new ManualClock();
        RegistrySettings settings = new RegistrySettings(Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(3));
        store.put(process("worker-dead", Kind.WORKER, 0, clock.millis()));
        Drain drain = new Drain();
        AtomicReference<List<String>> jobs = new AtomicReference<>(List.of());
        ProcessRegistry registry = new ProcessRegistry(store, Kind.SERVE, "1.2.3", clock, settings, drain, jobs::get,
                () -> List.of("chat-a")).start();
        try {
            ProcessRecord row = only(registry.id());
            assertThat(row.kind()).isEqualTo(Kind.SERVE);
            assertThat(row.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(row.state()).isEqualTo(State.RUNNING);
            assertThat(row.deployments()).containsExactly("chat-a");

            clock.advance(Duration.ofHours(4)); // the dead worker's heartbeat is now past pruneAfter
            jobs.set(List.of("ftjob-1"));
            drain.begin();
            registry.beat();
            row = only(registry.id());
            assertThat(row.state()).isEqualTo(State.DRAINING);
            assertThat(row.jobs()).containsExactly("ftjob-1");
            assertThat(row.heartbeatAt()).isEqualTo(clock.millis());
            assertThat(row.stale(clock.millis(), settings.staleAfter())).isFalse();
            assertThat(row.stale(clock.millis() + Duration.ofHours(2).toMillis() + 1, settings.staleAfter())).isTrue();
            assertThat(store.list()).extracting(ProcessRecord::id).containsExactly(registry.id());
        } finally {
            registry.close();
        }
        assertThat(store.list()).isEmpty();
    }

    private ProcessRecord only(String id) {
        return store.list().stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
    }
}
