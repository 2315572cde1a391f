package dev.whetstone.deployments;

/**
 * A deployment (docs/reference/API.md 5.1): a name inference URLs use, in an account (a namespace), serving one model.
 * Names are unique across the service, because the data-plane inference URL carries no account.
 *
 * @param raiPolicyName the content filtering policy of the account it applies ({@code properties.raiPolicyName}),
 *                      or null for Microsoft.Default
 * @param error     why loading failed (shown to clients), or null
 * @param createdAt epoch seconds
 * @param updatedAt epoch seconds
 * @param etag      changes with every stored change; updates compare it (optimistic concurrency)
 * @param lastUsedAt epoch seconds of the last inference (to the minute, DeploymentService.TOUCH_EVERY), 0 for never;
 *                   kept by {@link dev.whetstone.store.DeploymentStore#touch}, not by updates
 */
public record Deployment(String account, String name, ModelRef model, Sku sku, String raiPolicyName,
                         ProvisioningState state, String error, long createdAt, long updatedAt, String etag,
                         long lastUsedAt) {

    /** A deployment not used yet. */
    public Deployment(String account, String name, ModelRef model, Sku sku, String raiPolicyName,
                      ProvisioningState state, String error, long createdAt, long updatedAt, String etag) {
        this(account, name, model, sku, raiPolicyName, state, error, createdAt, updatedAt, etag, 0);
    }

    /**
     * {@code properties.model}: what to serve.
     *
     * @param name   a base model (id or alias), a fine-tuned model, or a checkpoint (id or name)
     * @param source the ARM id of the account holding the model (cross-resource deployment), or null
     */
    public record ModelRef(String format, String name, String version, String source) {}

    /**
     * {@code sku}: {@code Standard}, {@code GlobalStandard} or {@code DeveloperTier} (deleted a while after creation,
     * DeploymentLifecycle); capacity N allows N × 1000 tokens per minute.
     */
    public record Sku(String name, int capacity) {}

    public Deployment withState(ProvisioningState newState, String newError, long now, String newEtag) {
        return new Deployment(account, name, model, sku, raiPolicyName, newState, newError, createdAt, now, newEtag,
                lastUsedAt);
    }
}
