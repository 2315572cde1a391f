package dev.whetstone.deployments;

/** A create-or-update (PUT) as the API parsed it; the service checks names, the model and the SKU. */
public record DeploymentRequest(String account, String name, Deployment.ModelRef model, Deployment.Sku sku,
                                String raiPolicyName) {}
