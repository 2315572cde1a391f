package dev.whetstone.server;

import dev.whetstone.deployments.DeploymentLookup;
import dev.whetstone.deployments.LiveDeployment;
import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;

/**
 * The deployment lookup while this build has no deployment service: every name is unknown, answered as the live
 * service answers an unknown deployment (API.md 1.5). Replaced by the deployment service's lookup in {@link Wiring}.
 */
enum NoDeployments implements DeploymentLookup {
    INSTANCE;

    @Override
    public LiveDeployment live(String deploymentName) {
        throw new ApiException(ErrorCode.DEPLOYMENT_NOT_FOUND, "The API deployment '" + deploymentName + "' for this "
                + "resource does not exist. Create it with PUT on the deployments path first.");
    }
}
