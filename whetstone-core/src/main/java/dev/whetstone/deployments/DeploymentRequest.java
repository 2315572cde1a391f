package dev.whetstone.deployments;

/**
 * A create-or-update (PUT) as the API parsed it; the service checks names, the model and the SKU.
 *
 * @param caller the accounts the caller's credential reaches: {@code properties.model.source} must be one of them
 */
public record DeploymentRequest(String account, String name, Deployment.ModelRef model, Deployment.Sku sku,
                                String raiPolicyName, AccountScope caller) {
    /** A request by a credential that reaches every account. */
    public DeploymentRequest(String account, String name, Deployment.ModelRef model, Deployment.Sku sku,
                             String raiPolicyName) {
        this(account, name, model, sku, raiPolicyName, AccountScope.ALL);
    }

    public DeploymentRequest {
        if (caller == null) caller = AccountScope.ALL;
    }
}
