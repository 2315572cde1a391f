package dev.whetstone.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.whetstone.store.ServiceSecretStore;
import dev.whetstone.testing.InMemoryServiceSecretStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service key and token secret: created once in the store, imported from an old data folder, never replaced. */
class ServiceSecretsTest {
    @TempDir Path data;
    final InMemoryServiceSecretStore store = new InMemoryServiceSecretStore();

    @Test
    void aNewServiceGeneratesItsKeyOnceAndEveryLaterReaderGetsTheSame() throws Exception {
        ServiceSecrets.Secret first = new ServiceSecrets(store, data, Clock.systemUTC()).apiKey();
        assertThat(first.generatedHere()).isTrue();
        assertThat(first.value()).matches("wst-[0-9a-f]+");
        ServiceSecrets.Secret again = new ServiceSecrets(store, data.resolve("another-replica"), Clock.systemUTC()).apiKey();
        assertThat(again).isEqualTo(new ServiceSecrets.Secret(first.value(), false));
        assertThat(ServiceSecrets.apiKeyFile(data)).doesNotExist();
    }

    @Test
    void anExistingInstallsFilesAreImportedSoItsKeyAndTokensKeepWorking() throws Exception {
        Files.writeString(ServiceSecrets.apiKeyFile(data), "wst-old-key\n");
        String hex = "3c".repeat(32);
        Files.writeString(ServiceSecrets.tokenSecretFile(data), hex + "\n");
        String oldToken = new AccessTokens(HexFormat.of().parseHex(hex), Clock.systemUTC()).mint(Role.READER, Duration.ofHours(1));

        ServiceSecrets secrets = new ServiceSecrets(store, data, Clock.systemUTC());
        assertThat(secrets.apiKey()).isEqualTo(new ServiceSecrets.Secret("wst-old-key", false)); // not announced as new
        assertThat(secrets.tokens(Clock.systemUTC()).verify(oldToken)).isEqualTo(Role.READER);
        assertThat(store.find(ServiceSecretStore.TOKEN_SECRET)).contains(hex);
        // a replica with a data folder of its own reads what the first one stored
        assertThat(new ServiceSecrets(store, null, Clock.systemUTC()).tokens(Clock.systemUTC()).verify(oldToken))
                .isEqualTo(Role.READER);
    }

    @Test
    void aDamagedSecretFileIsNotSpreadToTheCluster() throws Exception {
        Files.writeString(ServiceSecrets.tokenSecretFile(data), "not hex at all");
        assertThatIllegalArgumentException().isThrownBy(() -> new ServiceSecrets(store, data, Clock.systemUTC())
                .tokens(Clock.systemUTC())).withMessageContaining("token-secret must be hexadecimal");
        assertThat(store.find(ServiceSecretStore.TOKEN_SECRET)).isEmpty();
    }

    @Test
    void aGivenSecretMustBeHexOfAtLeast32Bytes() {
        assertThat(ServiceSecrets.parseSecret("ab".repeat(32), "--token-secret")).hasSize(32);
        assertThatIllegalArgumentException().isThrownBy(() -> ServiceSecrets.parseSecret("ab".repeat(31), "--token-secret"))
                .withMessage("--token-secret must have at least 32 bytes (64 hex digits), got 31");
        assertThatIllegalArgumentException().isThrownBy(() -> ServiceSecrets.parseSecret("zz", "--token-secret"))
                .withMessageStartingWith("--token-secret must be hexadecimal");
    }
}
