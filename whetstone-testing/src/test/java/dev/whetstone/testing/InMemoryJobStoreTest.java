package dev.whetstone.testing;

import dev.whetstone.store.JobStore;

class InMemoryJobStoreTest extends JobStoreContract {
    @Override
    protected JobStore emptyStore() {
        return new InMemoryJobStore();
    }
}
