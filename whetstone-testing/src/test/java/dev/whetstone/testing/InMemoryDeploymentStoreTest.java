package dev.whetstone.testing;

import dev.whetstone.store.DeploymentStore;

class InMemoryDeploymentStoreTest extends DeploymentStoreContract {
    @Override
    protected DeploymentStore emptyStore() {
        return new InMemoryDeploymentStore();
    }
}
