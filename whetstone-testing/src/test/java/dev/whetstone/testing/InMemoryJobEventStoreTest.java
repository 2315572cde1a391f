package dev.whetstone.testing;

import dev.whetstone.store.JobEventStore;

class InMemoryJobEventStoreTest extends JobEventStoreContract {
    @Override
    protected JobEventStore emptyStore() {
        return new InMemoryJobEventStore();
    }
}
