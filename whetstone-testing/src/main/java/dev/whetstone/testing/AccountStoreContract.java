package dev.whetstone.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.store.AccountStore;
import dev.whetstone.store.AccountStore.Account;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link AccountStore} adapter must have. Subclass once per adapter. */
public abstract class AccountStoreContract {
    protected AccountStore store;

    protected abstract AccountStore emptyStore() throws Exception;

    @BeforeEach
    final void setUpStore() throws Exception {
        store = emptyStore();
    }

    @Test
    void anAccountKeepsTheHomeOfItsFirstInsertAndListsByName() {
        assertThat(store.find("b-acct")).isEmpty();
        assertThat(store.insert(new Account("b-acct", "sub-1", "rg-1", 10))).isTrue();
        assertThat(store.insert(new Account("b-acct", "sub-2", "rg-2", 11))).isFalse();
        assertThat(store.insert(new Account("a-acct", "sub-2", "rg-2", 12))).isTrue();
        assertThat(store.find("b-acct")).contains(new Account("b-acct", "sub-1", "rg-1", 10));
        assertThat(store.all()).extracting(Account::name).containsExactly("a-acct", "b-acct");
    }

    @Test
    void aJobHasAtMostOneOwner() {
        assertThat(store.jobOwner("ftjob-1")).isEmpty();
        store.setJobOwner("ftjob-1", "team-a");
        assertThat(store.jobOwner("ftjob-1")).contains("team-a");
        store.setJobOwner("ftjob-1", "team-b");
        assertThat(store.jobOwner("ftjob-1")).contains("team-b");
        assertThat(store.jobOwner("ftjob-2")).isEmpty();
    }
}
