package dev.whetstone.testing;

import dev.whetstone.store.ModelStore;

class InMemoryModelStoreTest extends ModelStoreContract {
    @Override
    protected ModelStore emptyStore() {
        return new InMemoryModelStore();
    }
}
