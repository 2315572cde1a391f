package dev.whetstone.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.store.ServiceSecretStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link ServiceSecretStore} adapter must have. Subclass once per adapter. */
public abstract class ServiceSecretStoreContract {
    protected ServiceSecretStore store;

    protected abstract ServiceSecretStore emptyStore() throws Exception;

    @BeforeEach
    final void setUpStore() throws Exception {
        store = emptyStore();
    }

    @Test
    void theFirstValueOfANameWinsAndIsNeverReplaced() {
        assertThat(store.find(ServiceSecretStore.TOKEN_SECRET)).isEmpty();
        assertThat(store.insert(ServiceSecretStore.TOKEN_SECRET, "aa".repeat(32), 10)).isTrue();
        assertThat(store.insert(ServiceSecretStore.TOKEN_SECRET, "bb".repeat(32), 11)).isFalse();
        assertThat(store.find(ServiceSecretStore.TOKEN_SECRET)).contains("aa".repeat(32));
        assertThat(store.find(ServiceSecretStore.API_KEY)).isEmpty();
        assertThat(store.insert(ServiceSecretStore.API_KEY, "wst-key", 12)).isTrue();
        assertThat(store.find(ServiceSecretStore.API_KEY)).contains("wst-key");
    }
}
