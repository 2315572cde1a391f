package dev.whetstone.deployments;

import dev.whetstone.Ids;
import dev.whetstone.engine.inference.InferenceEngine;
import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import dev.whetstone.jobs.JobPaths;
import dev.whetstone.jobs.JobStores;
import dev.whetstone.jobs.ModelResolver;
import dev.whetstone.models.ModelUsage;
import dev.whetstone.store.DeploymentStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deployments (docs/reference/API.md 5.1): PUT stores the deployment as {@code Creating} and loads its model through the engine
 * in the background ({@code Succeeded} or {@code Failed} with the reason); DELETE unloads at once. Also what the
 * inference API asks ({@link DeploymentLookup}) and what keeps deployed models from being deleted
 * ({@link ModelUsage}).
 */
public final class DeploymentService implements DeploymentLookup {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentService.class);
    /**
     * A use is stored at most once a minute per deployment: idle limits are days, and one write per request would
     * put a database write on every inference.
     */
    static final long TOUCH_EVERY_SECONDS = 60;
    static final String NOT_FOUND_MESSAGE = "The API deployment for this resource does not exist. If you created the "
            + "deployment within the last 5 minutes, please wait a moment and try again.";

    private final DeploymentStore store;
    private final ServingResolver resolver;
    private final AccountNames accounts;
    private final DeploymentLoader loader;
    private final PolicyCheck policies;
    private final Clock clock;
    private final DeploymentLifecycle lifecycle;
    private final Accounts owners;
    private final DeploymentQuotas quotas;

    public DeploymentService(DeploymentStore store, ModelResolver models, JobStores jobStores, JobPaths paths,
                             InferenceEngine engine, Executor loads, AccountNames accounts, PolicyCheck policies,
                             Clock clock) {
        this(store, models, jobStores, paths, engine, loads, accounts, policies, clock, DeploymentLifecycle.AZURE);
    }

    public DeploymentService(DeploymentStore store, ModelResolver models, JobStores jobStores, JobPaths paths,
                             InferenceEngine engine, Executor loads, AccountNames accounts, PolicyCheck policies,
                             Clock clock, DeploymentLifecycle lifecycle) {
        this(store, models, jobStores, paths, engine, loads, accounts, policies, clock, lifecycle, null);
    }

    /**
     * @param owners the accounts that own fine-tuned models, for deploys across accounts; null: models are
     *               service-wide and {@code properties.model.source} is checked for its shape only
     */
    public DeploymentService(DeploymentStore store, ModelResolver models, JobStores jobStores, JobPaths paths,
                             InferenceEngine engine, Executor loads, AccountNames accounts, PolicyCheck policies,
                             Clock clock, DeploymentLifecycle lifecycle, Accounts owners) {
        this(store, models, jobStores, paths, engine, loads, accounts, policies, clock, lifecycle, owners,
                DeploymentQuotas.local(clock));
    }

    /** @param quotas where the deployments' rate-limit buckets live (this process, or shared by the replicas) */
    public DeploymentService(DeploymentStore store, ModelResolver models, JobStores jobStores, JobPaths paths,
                             InferenceEngine engine, Executor loads, AccountNames accounts, PolicyCheck policies,
                             Clock clock, DeploymentLifecycle lifecycle, Accounts owners, DeploymentQuotas quotas) {
        this.owners = owners;
        this.quotas = quotas;
        this.lifecycle = lifecycle;
        this.store = store;
        this.resolver = new ServingResolver(models, jobStores, paths);
        this.accounts = accounts;
        this.loader = new DeploymentLoader(store, engine, loads, clock, quotas);
        this.policies = policies;
        this.clock = clock;
    }

    /** Create (201) or update (200). The model is checked now; its weights load in the background. */
    public PutResult put(DeploymentRequest request) {
        String account = accounts.require(request.account());
        String name = RequestChecks.name(request.name());
        Deployment.ModelRef model = RequestChecks.model(request.model());
        Deployment.Sku sku = RequestChecks.sku(request.sku());
        resolver.check(model.name()); // 400 naming properties.model.name now, not a Failed deployment later
        if (owners != null) owners.requireDeployable(account, model, resolver.ownerJob(model.name()), request.caller());
        policies.require(account, request.raiPolicyName());
        String policy = request.raiPolicyName();
        long now = clock.instant().getEpochSecond();
        Optional<Deployment> existing = store.find(name);
        if (existing.isPresent()) return new PutResult(update(existing.get(), account, model, sku, policy, now), false);
        Deployment created = new Deployment(account, name, model, sku, policy, ProvisioningState.CREATING, null, now, now,
                etag());
        if (!store.insert(created)) { // created meanwhile by another request: answer as for an existing one
            return new PutResult(update(store.find(name).orElseThrow(() -> raced(name)), account, model, sku, policy, now),
                    false);
        }
        loader.loadLater(created, this::spec);
        return new PutResult(created, true);
    }

    private Deployment update(Deployment old, String account, Deployment.ModelRef model, Deployment.Sku sku,
                              String policy, long now) {
        if (!old.account().equals(account)) {
            throw ApiException.conflict("Deployment name '" + old.name() + "' is already used by account '"
                    + old.account() + "'. Deployment names are unique across this service (inference URLs carry no "
                    + "account); choose another name or delete that deployment first.");
        }
        boolean sameModel = old.model().name().equals(model.name());
        boolean reload = !sameModel || old.state() != ProvisioningState.SUCCEEDED;
        Deployment next = new Deployment(account, old.name(), model, sku, policy,
                reload ? ProvisioningState.CREATING : old.state(), reload ? null : old.error(), old.createdAt(), now, etag(),
                old.lastUsedAt()); // a PUT is no use: the idle deadline stays where the last inference put it
        if (!store.update(next, old.etag())) {
            throw ApiException.conflict("Deployment '" + old.name() + "' was changed or deleted by another request "
                    + "at the same time; send the PUT again.");
        }
        if (reload) {
            if (!sameModel) loader.forget(old.name());
            loader.loadLater(next, this::spec);
        } else {
            loader.resize(old.name(), sku.capacity());
        }
        return next;
    }

    public Deployment get(String account, String name) {
        accounts.require(account);
        return store.find(name).filter(d -> d.account().equals(account)).orElseThrow(() -> new ApiException(
                ErrorCode.NOT_FOUND, "Deployment '" + name + "' was not found in account '" + account + "'.", null));
    }

    public List<Deployment> list(String account) {
        return store.list(accounts.require(account));
    }

    /** Every deployment of every account (the data-plane listing has no account). */
    public List<Deployment> all() { return store.all(); }

    /** The deployments whose weights are loaded in this process (the registry and the metrics report them). */
    public List<String> loaded() { return loader.liveNames(); }

    /** By name in any account (the data plane). */
    public Optional<Deployment> find(String name) { return store.find(name); }

    /** Removes the deployment and frees its weights; false when there was none in that account. */
    public boolean delete(String account, String name) {
        accounts.require(account);
        Optional<Deployment> d = store.find(name).filter(x -> x.account().equals(account));
        if (d.isEmpty()) return false;
        store.delete(name);
        loader.unload(name);
        quotas.forget(name);
        return true;
    }

    /**
     * The deployment if this process serves it. Each lookup reads the stored deployment (one indexed row), so
     * replicas sharing the database follow each other: a deployment deleted elsewhere is unloaded here, a capacity
     * change applies, and one created or re-pointed elsewhere starts loading here; until it has loaded the answer
     * is 404, as Azure answers for deployments created within the last minutes.
     */
    @Override
    public LiveDeployment live(String deploymentName) {
        Optional<Deployment> stored = store.find(deploymentName);
        Optional<DeploymentLoader.Live> live = loader.live(deploymentName);
        if (stored.isEmpty()) {
            if (live.isPresent()) loader.unload(deploymentName);
            throw new ApiException(ErrorCode.DEPLOYMENT_NOT_FOUND, NOT_FOUND_MESSAGE);
        }
        Deployment d = stored.get();
        if (live.isPresent() && live.get().modelName().equals(d.model().name())) {
            long now = clock.instant().getEpochSecond();
            if (now - d.lastUsedAt() >= TOUCH_EVERY_SECONDS) store.touch(deploymentName, now);
            if (live.get().quota().capacity() != d.sku().capacity()) loader.resize(deploymentName, d.sku().capacity());
            DeploymentLoader.Live l = live.get();
            return new LiveDeployment(deploymentName, l.modelName(), l.model(), l.quota(), d.account(), d.raiPolicyName());
        }
        if (d.state().wantsLoaded()) loader.loadIfIdle(d, this::spec);
        throw new ApiException(ErrorCode.DEPLOYMENT_NOT_FOUND, NOT_FOUND_MESSAGE);
    }

    /**
     * For {@code FineTunedModels}: any deployment, whatever its state, keeps its model (and what that model's weights
     * live in) from deletion.
     */
    public static ModelUsage modelUsage(DeploymentStore store, JobStores jobStores) {
        return modelId -> {
            for (Deployment d : store.all()) {
                if (ServingResolver.dependencies(jobStores, d.model().name()).contains(modelId)) {
                    return Optional.of("deployment '" + d.name() + "' (account '" + d.account() + "')");
                }
            }
            return Optional.empty();
        };
    }

    /**
     * ARM's {@code properties.capabilities}: which inference endpoints the deployed model answers, and whether it
     * sees images.
     */
    public Map<String, String> capabilities(Deployment d) {
        // "vision" is not one of Azure's capability names: the portal reads it to offer image attachments.
        return resolver.chat(d.model().name())
                .map(chat -> Map.of("chatCompletion", Boolean.toString(chat), "completion", "true",
                        "vision", Boolean.toString(resolver.vision(d.model().name()).orElse(false))))
                .orElse(Map.of());
    }

    /** When and why the deployment will be deleted unless it is used (or, for DeveloperTier, at all). */
    public Optional<DeploymentLifecycle.Expiry> expiry(Deployment d) { return lifecycle.expiry(d); }

    /** How often {@link #deleteExpired()} should run. */
    public java.time.Duration sweepEvery() { return lifecycle.sweepEvery(); }

    /**
     * Deletes every deployment past its expiry (DeveloperTier lifetime or idle limit) and frees its weights, with a
     * log line saying which rule; returns the deleted ones. Safe on several replicas: a deployment deleted elsewhere
     * meanwhile is skipped.
     */
    public List<Deployment> deleteExpired() {
        java.time.Instant now = clock.instant();
        List<Deployment> deleted = new java.util.ArrayList<>();
        for (Deployment d : store.all()) {
            Optional<DeploymentLifecycle.Expiry> e = lifecycle.expiry(d);
            if (e.isEmpty() || now.isBefore(e.get().at())) continue;
            // read again: an inference or a PUT since the listing may have moved the deadline
            Optional<Deployment> current = store.find(d.name()).filter(x -> x.etag().equals(d.etag()));
            Optional<DeploymentLifecycle.Expiry> again = current.flatMap(lifecycle::expiry);
            if (again.isEmpty() || now.isBefore(again.get().at())) continue;
            if (store.delete(d.name())) {
                loader.unload(d.name());
                quotas.forget(d.name());
                LOG.info(lifecycle.describe(current.get(), again.get()));
                deleted.add(current.get());
            }
        }
        return deleted;
    }

    /** At start-up: loads again what was serving or being created when the service stopped. */
    public void restore() {
        for (Deployment d : store.all()) {
            if (d.state().wantsLoaded()) loader.loadLater(d, this::spec);
        }
    }

    private ServingResolver.Served spec(Deployment d) {
        return resolver.checkout(d.name(), d.model().name());
    }

    private static String etag() { return Ids.hexOf(Ids.newId("e-")); }

    private static ApiException raced(String name) {
        return ApiException.conflict("Deployment '" + name + "' was deleted while being created; send the PUT again.");
    }
}
