package dev.whetstone.deployments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import dev.whetstone.store.AccountStore.Account;
import dev.whetstone.testing.InMemoryAccountStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The namespaces and the ownership rules of {@link Accounts}, on the in-memory store. */
class AccountsTest {
    static final String SUB = "00000000-0000-0000-0000-000000000000";
    final InMemoryAccountStore store = new InMemoryAccountStore();
    final Accounts accounts = new Accounts(store, new AccountNames(Set.of()), "whetstone", SUB,
            Clock.fixed(Instant.ofEpochSecond(1000), ZoneOffset.UTC));

    @Test
    void theDefaultAccountIsRegisteredAndAnAccountKeepsItsFirstHome() {
        assertThat(store.find("whetstone")).contains(new Account("whetstone", SUB, "whetstone", 1000));
        assertThat(accounts.use("sub-a", "rg-a", "team-a").resourceGroup()).isEqualTo("rg-a");
        assertThat(accounts.use("sub-b", "rg-b", "team-a").resourceGroup()).isEqualTo("rg-a");
        accounts.useIfValid("s", "g", "x"); // too short: left to the handler's own error
        assertThat(store.find("x")).isEmpty();
        assertThat(Accounts.armId(store.find("team-a").orElseThrow()))
                .isEqualTo("/subscriptions/sub-a/resourceGroups/rg-a/providers/Microsoft.CognitiveServices/accounts/team-a");
    }

    @Test
    void jobsOfNoAccountBelongToTheDefaultOne() {
        accounts.recordJobOwner("ftjob-1", "whetstone");
        accounts.recordJobOwner("ftjob-2", "team-a");
        assertThat(store.jobOwner("ftjob-1")).isEmpty();
        assertThat(accounts.jobOwner("ftjob-1")).isEqualTo("whetstone");
        assertThat(accounts.jobOwner("ftjob-2")).isEqualTo("team-a");
        assertThat(accounts.ownsOrShares("team-b", "ftjob-1")).isTrue();
        assertThat(accounts.ownsOrShares("team-b", "ftjob-2")).isFalse();
    }

    @Test
    void aSourceMustBeReachableExistAndOwnTheModel() {
        accounts.use("sub-a", "rg-a", "team-a");
        accounts.use("sub-b", "rg-b", "team-b");
        accounts.recordJobOwner("ftjob-a", "team-a");
        String teamA = "/subscriptions/sub-a/resourceGroups/rg-a/providers/Microsoft.CognitiveServices/accounts/team-a";
        Optional<String> job = Optional.of("ftjob-a");

        accounts.requireDeployable("team-b", model(null), Optional.empty(), AccountScope.ALL); // a base model
        accounts.requireDeployable("team-a", model(null), job, AccountScope.ALL);
        accounts.requireDeployable("team-b", model(teamA), job, AccountScope.ALL);
        assertRefused(() -> accounts.requireDeployable("team-b", model(null), job, AccountScope.ALL),
                ErrorCode.INVALID_PAYLOAD, "belongs to another account than 'team-b'");
        assertRefused(() -> accounts.requireDeployable("team-b", model(teamA), job, new AccountScope("team-b")),
                ErrorCode.AUTHORIZATION_FAILED, "over scope '" + teamA + "'");
        assertRefused(() -> accounts.requireDeployable("team-b", model(teamA.replace("rg-a", "rg-x")), job,
                AccountScope.ALL), ErrorCode.RESOURCE_NOT_FOUND, "under resource group 'rg-x' was not found");
        assertRefused(() -> accounts.requireDeployable("team-a", model(teamA.replace("sub-a/resourceGroups/rg-a",
                "sub-b/resourceGroups/rg-b").replace("team-a", "team-b")), job, AccountScope.ALL),
                ErrorCode.INVALID_PAYLOAD, "does not belong to the source account");
    }

    private static Deployment.ModelRef model(String source) {
        return new Deployment.ModelRef("OpenAI", "tiny-chat.ft-1", "1", source);
    }

    private static void assertRefused(Runnable r, ErrorCode code, String message) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
