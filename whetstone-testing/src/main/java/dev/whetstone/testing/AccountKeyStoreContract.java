package dev.whetstone.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.store.AccountKeyStore;
import dev.whetstone.store.AccountKeyStore.AccountKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link AccountKeyStore} adapter must have. Subclass once per adapter. */
public abstract class AccountKeyStoreContract {
    protected AccountKeyStore store;

    protected abstract AccountKeyStore emptyStore() throws Exception;

    @BeforeEach
    final void setUpStore() throws Exception {
        store = emptyStore();
    }

    @Test
    void keysAreStoredOnceReplacedOneAtATimeAndFoundByDigest() {
        assertThat(store.find("acct")).isEmpty();
        assertThat(store.insert(new AccountKeys("acct", "k1", "k2", 10))).isTrue();
        assertThat(store.insert(new AccountKeys("acct", "x1", "x2", 11))).isFalse();
        assertThat(store.find("acct")).contains(new AccountKeys("acct", "k1", "k2", 10));
        assertThat(store.accountOf(InMemoryAccountKeyStore.sha256("k2"))).contains("acct");
        assertThat(store.replace("acct", 2, "k2b", 20)).isTrue();
        assertThat(store.find("acct")).contains(new AccountKeys("acct", "k1", "k2b", 20));
        assertThat(store.accountOf(InMemoryAccountKeyStore.sha256("k2"))).isEmpty();
        assertThat(store.accountOf(InMemoryAccountKeyStore.sha256("k2b"))).contains("acct");
        assertThat(store.replace("acct", 1, "k1b", 21)).isTrue();
        assertThat(store.accountOf(InMemoryAccountKeyStore.sha256("k1"))).isEmpty();
        assertThat(store.replace("ghost", 1, "z", 1)).isFalse();
        assertThat(store.find("ghost")).isEmpty();
    }
}
