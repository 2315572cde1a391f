package dev.whetstone.testing;

import dev.whetstone.deployments.Deployment;
import dev.whetstone.store.DeploymentStore;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link DeploymentStore} in a map keyed by name. Checked by DeploymentStoreContract like the SQL store. */
public final class InMemoryDeploymentStore implements DeploymentStore {
    private static final Comparator<Deployment> OLDEST_FIRST =
            Comparator.comparingLong(Deployment::createdAt).thenComparing(Deployment::name);

    private final Map<String, Deployment> deployments = new LinkedHashMap<>();

    @Override
    public synchronized boolean insert(Deployment deployment) {
        return deployments.putIfAbsent(deployment.name(), deployment) == null;
    }

    @Override
    public synchronized Optional<Deployment> find(String name) {
        return Optional.ofNullable(deployments.get(name));
    }

    @Override
    public synchronized List<Deployment> list(String account) {
        return deployments.values().stream().filter(d -> d.account().equals(account)).sorted(OLDEST_FIRST).toList();
    }

    @Override
    public synchronized List<Deployment> all() {
        return deployments.values().stream().sorted(OLDEST_FIRST).toList();
    }

    @Override
    public synchronized boolean update(Deployment deployment, String expectedEtag) {
        Deployment old = deployments.get(deployment.name());
        if (old == null || !old.etag().equals(expectedEtag)) return false;
        deployments.put(deployment.name(), new Deployment(old.account(), deployment.name(), deployment.model(),
                deployment.sku(), deployment.raiPolicyName(), deployment.state(), deployment.error(), deployment.createdAt(), deployment.updatedAt(),
                deployment.etag(), old.lastUsedAt()));
        return true;
    }

    @Override
    public synchronized boolean touch(String name, long at) {
        Deployment d = deployments.get(name);
        if (d == null) return false;
        deployments.put(name, new Deployment(d.account(), d.name(), d.model(), d.sku(), d.raiPolicyName(), d.state(),
                d.error(), d.createdAt(), d.updatedAt(), d.etag(), at));
        return true;
    }

    @Override
    public synchronized boolean delete(String name) {
        return deployments.remove(name) != null;
    }
}
