package dev.whetstone.deployments;

/** What the inference API asks of the deployments: the ready model behind a deployment name. */
@FunctionalInterface
public interface DeploymentLookup {
    /**
     * @throws dev.whetstone.error.ApiException 404 ({@code DeploymentNotFound}) when no deployment of that name
     *         exists or it has not finished provisioning
     */
    LiveDeployment live(String deploymentName);
}
