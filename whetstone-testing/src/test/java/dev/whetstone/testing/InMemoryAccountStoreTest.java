package dev.whetstone.testing;

import dev.whetstone.store.AccountStore;

class InMemoryAccountStoreTest extends AccountStoreContract {
    @Override
    protected AccountStore emptyStore() { return new InMemoryAccountStore(); }
}
