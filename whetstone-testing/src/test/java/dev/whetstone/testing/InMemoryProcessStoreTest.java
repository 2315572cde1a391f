package dev.whetstone.testing;

import dev.whetstone.store.ProcessStore;

class InMemoryProcessStoreTest extends ProcessStoreContract {
    @Override
    protected ProcessStore emptyStore() {
        return new InMemoryProcessStore();
    }
}
