package dev.whetstone.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.deployments.Deployment;
import dev.whetstone.deployments.ProvisioningState;
import dev.whetstone.store.DeploymentStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link DeploymentStore} adapter must have. Subclass once per adapter. */
public abstract class DeploymentStoreContract {
    protected DeploymentStore store;

    protected abstract DeploymentStore emptyStore() throws Exception;

    @BeforeEach
    final void setUpStore() throws Exception {
        store = emptyStore();
    }

    static Deployment deployment(String account, String name, long createdAt, String etag) {
        return new Deployment(account, name, new Deployment.ModelRef("OpenAI", "tiny-chat.ft-abc", "1", null),
                new Deployment.Sku("Standard", 2), null, ProvisioningState.CREATING, null, createdAt, createdAt, etag);
    }

    @Test
    void insertedDeploymentsAreFoundWithEveryField() {
        Deployment d = new Deployment("acct-1", "my-bot", new Deployment.ModelRef("OpenAI", "tiny-chat:ckpt-step-10",
                "1", "/subscriptions/s/resourceGroups/g/providers/Microsoft.CognitiveServices/accounts/other"),
                new Deployment.Sku("GlobalStandard", 7), "strict-policy", ProvisioningState.FAILED,
                "Loading failed: no weights", 1_700_000_000L, 1_700_000_100L, "etag-1");
        assertThat(store.insert(d)).isTrue();
        assertThat(store.find("my-bot")).contains(d);
        assertThat(store.find("acct-1")).isEmpty();
    }

    @Test
    void namesAreUniqueAcrossAccounts() {
        assertThat(store.insert(deployment("a", "bot", 1, "e1"))).isTrue();
        assertThat(store.insert(deployment("b", "bot", 2, "e2"))).isFalse();
        assertThat(store.insert(deployment("a", "bot", 3, "e3"))).isFalse();
        assertThat(store.find("bot")).get().extracting(Deployment::account, Deployment::etag).containsExactly("a", "e1");
    }

    @Test
    void listsAreOldestFirstPerAccountWithNameBreakingTies() {
        store.insert(deployment("a", "c", 5, "1"));
        store.insert(deployment("b", "x", 1, "2"));
        store.insert(deployment("a", "b", 7, "3"));
        store.insert(deployment("a", "a", 5, "4"));
        assertThat(store.list("a")).extracting(Deployment::name).containsExactly("a", "c", "b");
        assertThat(store.list("b")).extracting(Deployment::name).containsExactly("x");
        assertThat(store.list("none")).isEmpty();
        assertThat(store.all()).extracting(Deployment::name).containsExactly("x", "a", "c", "b");
    }

    @Test
    void updateReplacesOnlyWhenTheEtagStillMatches() {
        Deployment d = deployment("a", "bot", 1, "e1");
        store.insert(d);
        Deployment succeeded = new Deployment("a", "bot", new Deployment.ModelRef("OpenAI", "tiny-chat", "2", null),
                new Deployment.Sku("Standard", 3), "policy-2", ProvisioningState.SUCCEEDED, null, 1, 9, "e2");
        assertThat(store.update(succeeded, "e1")).isTrue();
        assertThat(store.find("bot")).contains(succeeded);
        Deployment stale = d.withState(ProvisioningState.FAILED, "late", 10, "e3");
        assertThat(store.update(stale, "e1")).isFalse();
        assertThat(store.find("bot")).contains(succeeded);
        assertThat(store.update(deployment("a", "ghost", 1, "e9"), "e1")).isFalse();
        assertThat(store.find("ghost")).isEmpty();
    }

    @Test
    void touchRecordsTheLastUseWhichUpdatesKeepAndEtagsIgnore() {
        Deployment d = deployment("a", "bot", 1, "e1");
        store.insert(d);
        assertThat(store.find("bot").orElseThrow().lastUsedAt()).isZero();
        assertThat(store.touch("bot", 1_700_000_500L)).isTrue();
        Deployment touched = store.find("bot").orElseThrow();
        assertThat(touched.lastUsedAt()).isEqualTo(1_700_000_500L);
        assertThat(touched.etag()).isEqualTo("e1");
        assertThat(store.list("a").getFirst().lastUsedAt()).isEqualTo(1_700_000_500L);
        assertThat(store.all().getFirst().lastUsedAt()).isEqualTo(1_700_000_500L);
        // a PUT's update (built without the last use) leaves it as it was
        assertThat(store.update(d.withState(ProvisioningState.SUCCEEDED, null, 5, "e2"), "e1")).isTrue();
        assertThat(store.find("bot").orElseThrow().lastUsedAt()).isEqualTo(1_700_000_500L);
        assertThat(store.touch("ghost", 1)).isFalse();
    }

    @Test
    void deleteRemovesOnceAndFreesTheName() {
        store.insert(deployment("a", "bot", 1, "e1"));
        assertThat(store.delete("bot")).isTrue();
        assertThat(store.delete("bot")).isFalse();
        assertThat(store.find("bot")).isEmpty();
        assertThat(store.list("a")).isEmpty();
        assertThat(store.insert(deployment("b", "bot", 2, "e2"))).isTrue();
    }
}
