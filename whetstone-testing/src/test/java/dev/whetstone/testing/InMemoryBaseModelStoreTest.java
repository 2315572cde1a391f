package dev.whetstone.testing;

import dev.whetstone.store.BaseModelStore;

class InMemoryBaseModelStoreTest extends BaseModelStoreContract {
    @Override
    protected BaseModelStore emptyStore() { return new InMemoryBaseModelStore(); }
}
