package dev.whetstone.deployments;

import dev.whetstone.Ids;
import dev.whetstone.engine.inference.InferenceEngine;
import dev.whetstone.engine.inference.ServedModel;
import dev.whetstone.store.DeploymentStore;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads deployments through the engine in the background and keeps what this process serves. Loads of one name
 * run one at a time (a lock per name); each load carries the etag it was started for and records its outcome
 * only if the deployment still has that etag, so a late load never overwrites a newer PUT, and one whose
 * deployment was deleted meanwhile unloads what it loaded.
 */
final class DeploymentLoader {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentLoader.class);

    /** What this process serves for one deployment name; {@code folders} keeps its weights cached until unloaded. */
    record Live(String modelName, ServedModel model, DeploymentQuota quota, ServingResolver.Served folders) {}

    private final DeploymentStore store;
    private final InferenceEngine engine;
    private final Executor executor;
    private final Clock clock;
    private final DeploymentQuotas quotas;
    private final Map<String, Live> live = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /** Loads queued or running per name, so a lookup miss does not queue a second one. */
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();

    DeploymentLoader(DeploymentStore store, InferenceEngine engine, Executor executor, Clock clock,
                     DeploymentQuotas quotas) {
        this.store = store;
        this.quotas = quotas;
        this.engine = engine;
        this.executor = executor;
        this.clock = clock;
    }

    Optional<Live> live(String name) { return Optional.ofNullable(live.get(name)); }

    /** Names of the deployments loaded in this process, sorted. */
    java.util.List<String> liveNames() { return live.keySet().stream().sorted().toList(); }

    /** Loads {@code spec} for the deployment as stored with etag {@code etag}, in the background. */
    void loadLater(Deployment d, ServingSpecSource spec) {
        inFlight.merge(d.name(), 1, Integer::sum);
        executor.execute(() -> {
            try {
                load(d.name(), d.etag(), spec);
            } finally {
                inFlight.computeIfPresent(d.name(), (n, c) -> c == 1 ? null : c - 1);
            }
        });
    }

    /** {@link #loadLater} unless a load of that name is already queued or running here. */
    void loadIfIdle(Deployment d, ServingSpecSource spec) {
        if (!inFlight.containsKey(d.name())) loadLater(d, spec);
    }

    /** A capacity change on a deployment that keeps its model: the quota follows without reloading. */
    void resize(String name, int capacity) {
        Live l = live.get(name);
        if (l != null) l.quota().setCapacity(capacity);
    }

    /**
     * Stops serving at once (inference answers 404 from now on) and frees the engine's copy. Not under the name's
     * lock, so a delete never waits for a load: a load in flight finds its deployment gone and unloads itself.
     */
    void unload(String name) {
        release(live.remove(name));
        engine.unload(name);
    }

    /** Stops serving {@code name} without waiting for the engine (a model change: the new load replaces it). */
    void forget(String name) { release(live.remove(name)); }

    private static void release(Live gone) {
        if (gone != null) gone.folders().close();
    }

    private void load(String name, String etag, ServingSpecSource specSource) {
        synchronized (lock(name)) {
            Optional<Deployment> current = store.find(name).filter(d -> d.etag().equals(etag));
            if (current.isEmpty()) return; // changed or deleted before we started: a newer load (if any) follows
            Deployment d = current.get();
            ServingResolver.Served served = null;
            try {
                served = specSource.spec(d);
                ServedModel model = engine.load(served.spec());
                // Served before the outcome is stored, so a delete racing with us always finds it to remove.
                release(live.put(name, new Live(d.model().name(), model, quotas.open(name, d.sku().capacity()),
                        served)));
                if (record(d, ProvisioningState.SUCCEEDED, null)) {
                    LOG.info("deployment {} serves {}", name, d.model().name());
                } else {
                    unload(name); // deleted or replaced while loading
                }
            } catch (RuntimeException e) {
                LOG.warn("deployment {} failed to load {}: {}", name, d.model().name(), e.getMessage());
                unload(name);
                if (served != null) served.close(); // not live (unload released only what was)
                record(d, ProvisioningState.FAILED, "Loading model '" + d.model().name() + "' failed: " + e.getMessage());
            }
        }
    }

    /**
     * Stores the outcome if the deployment is unchanged. One already in that state (a reload at start-up) is only
     * checked to still exist, with its current capacity applied.
     */
    private boolean record(Deployment d, ProvisioningState state, String error) {
        if (d.state() == state && Objects.equals(d.error(), error)) {
            Optional<Deployment> now = store.find(d.name());
            now.ifPresent(n -> resize(n.name(), n.sku().capacity()));
            return now.isPresent();
        }
        Deployment next = d.withState(state, error, clock.instant().getEpochSecond(), Ids.hexOf(Ids.newId("e-")));
        return store.update(next, d.etag());
    }

    private Object lock(String name) { return locks.computeIfAbsent(name, n -> new Object()); }

    /** Resolves what to serve when the load runs (the model may have gone since the PUT). */
    @FunctionalInterface
    interface ServingSpecSource {
        ServingResolver.Served spec(Deployment d);
    }
}
