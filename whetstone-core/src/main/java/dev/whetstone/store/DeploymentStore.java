package dev.whetstone.store;

import dev.whetstone.deployments.Deployment;
import java.util.List;
import java.util.Optional;

/**
 * Deployments. A name is unique across all accounts (inference URLs carry no account); updates are
 * compare-and-set on the etag, so a loader finishing late never overwrites a newer PUT or resurrects a deletion.
 */
public interface DeploymentStore {
    /** Stores a new deployment; false (nothing stored) when the name exists, in any account. */
    boolean insert(Deployment deployment);

    /** By name, whatever the account. */
    Optional<Deployment> find(String name);

    /** One account's deployments, oldest first by (created_at, name). */
    List<Deployment> list(String account);

    /** Every deployment, oldest first by (created_at, name). */
    List<Deployment> all();

    /**
     * Replaces every field of the deployment named {@code deployment.name()} if its stored etag is still
     * {@code expectedEtag}; false when it changed meanwhile or is gone. The account never changes.
     */
    boolean update(Deployment deployment, String expectedEtag);

    boolean delete(String name);

    /**
     * Records an inference at {@code at} (epoch seconds) as the deployment's {@code lastUsedAt}, without changing its
     * etag (it is no client's change); false when there is no such deployment.
     */
    boolean touch(String name, long at);
}
