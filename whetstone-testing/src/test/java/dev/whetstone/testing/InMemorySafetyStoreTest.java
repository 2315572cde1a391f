package dev.whetstone.testing;

import dev.whetstone.store.SafetyStore;

class InMemorySafetyStoreTest extends SafetyStoreContract {
    @Override
    protected SafetyStore emptyStore() {
        return new InMemorySafetyStore();
    }
}
