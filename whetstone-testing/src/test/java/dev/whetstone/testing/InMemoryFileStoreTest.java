package dev.whetstone.testing;

import dev.whetstone.store.FileStore;

class InMemoryFileStoreTest extends FileStoreContract {
    @Override
    protected FileStore emptyStore() {
        return new InMemoryFileStore();
    }
}
