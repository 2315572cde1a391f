package dev.whetstone.testing;

import dev.whetstone.store.BlobStore;

class InMemoryBlobStoreTest extends BlobStoreContract {
    private InMemoryBlobStore memory;

    @Override
    protected BlobStore emptyStore() {
        memory = new InMemoryBlobStore();
        return memory;
    }

    @Override
    protected long incompleteCount() {
        return memory.incompleteCount();
    }
}
