package dev.whetstone.server.ops;

import dev.whetstone.cluster.Drain;
import dev.whetstone.cluster.ProcessRecord;
import dev.whetstone.cluster.ProcessRegistry;
import dev.whetstone.cluster.RegistrySettings;
import dev.whetstone.store.BlobStore;
import dev.whetstone.store.JobStore;
import dev.whetstone.store.ProcessStore;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * What operating one process takes, shared by its HTTP layer and its shutdown: the drain, the meters, the
 * readiness checks and its row in the process registry.
 */
public record ProcessOps(Drain drain, ProcessMetrics metrics, Readiness readiness, ProcessRegistry registry) {
    /** The readiness check that fails once the drain began. */
    public static final String ACCEPTING = "accepting";

    /**
     * The ops of a {@code kind} process over the shared stores. The registry row is written by
     * {@code registry().start()}, once the process is up.
     *
     * @param runningJobs       the jobs its workers run now (empty without workers)
     * @param loadedDeployments the deployments it has loaded (empty for a worker)
     */
    public static ProcessOps create(ProcessRecord.Kind kind, ProcessStore processes, JobStore jobs, BlobStore blobs,
                                    Clock clock, RegistrySettings settings, Supplier<List<String>> runningJobs,
                                    Supplier<List<String>> loadedDeployments) {
        Drain drain = new Drain();
        ProcessMetrics metrics = new ProcessMetrics();
        metrics.bindJobs(jobs);
        metrics.bindDeployments(loadedDeployments);
        metrics.bindDraining(drain::draining);
        Readiness readiness = new Readiness()
                .add("database", jobs::countActive)
                .add("blob_store", blobs::checkReachable)
                .add(ACCEPTING, () -> {
                    if (drain.draining()) throw new IllegalStateException("the process is draining before it exits");
                });
        ProcessRegistry registry = new ProcessRegistry(processes, kind, ProcessVersion.current(), clock, settings, drain,
                runningJobs, loadedDeployments);
        drain.onBegin(() -> {
            try {
                registry.beat(); // `whetstone status` shows the drain at once, not at the next heartbeat
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(ProcessOps.class).warn("marking {} as draining failed: {}", registry.id(), e.toString());
            }
        });
        return new ProcessOps(drain, metrics, readiness, registry);
    }
}
