package dev.whetstone.testing;

import dev.whetstone.store.QuotaStore;

class InMemoryQuotaStoreTest extends QuotaStoreContract {
    @Override
    protected QuotaStore emptyStore() { return new InMemoryQuotaStore(); }

    @Override
    protected QuotaStore secondStore() { return store; }
}
