package dev.whetstone.testing;

import dev.whetstone.store.ServiceSecretStore;

class InMemoryServiceSecretStoreTest extends ServiceSecretStoreContract {
    @Override
    protected ServiceSecretStore emptyStore() { return new InMemoryServiceSecretStore(); }
}
