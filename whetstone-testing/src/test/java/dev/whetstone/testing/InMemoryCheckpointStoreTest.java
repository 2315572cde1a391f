package dev.whetstone.testing;

import dev.whetstone.store.CheckpointStore;

class InMemoryCheckpointStoreTest extends CheckpointStoreContract {
    @Override
    protected CheckpointStore emptyStore() {
        return new InMemoryCheckpointStore();
    }
}
