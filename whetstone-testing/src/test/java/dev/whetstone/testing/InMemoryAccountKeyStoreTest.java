package dev.whetstone.testing;

import dev.whetstone.store.AccountKeyStore;

class InMemoryAccountKeyStoreTest extends AccountKeyStoreContract {
    @Override
    protected AccountKeyStore emptyStore() { return new InMemoryAccountKeyStore(); }
}
