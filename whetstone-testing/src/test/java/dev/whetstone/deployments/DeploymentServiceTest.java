package dev.whetstone.deployments;

import static dev.whetstone.deployments.DeploymentHarness.CHECKPOINT;
import static dev.whetstone.deployments.DeploymentHarness.CHECKPOINT_NAME;
import static dev.whetstone.deployments.DeploymentHarness.JOB;
import static dev.whetstone.deployments.DeploymentHarness.MODEL;
import static dev.whetstone.deployments.DeploymentHarness.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deployment life cycles over the FakeInferenceEngine, with loads run when the test says. */
class DeploymentServiceTest {
    @TempDir Path dir;
    DeploymentHarness h;

    @BeforeEach
    void setUp() {
        h = new DeploymentHarness(dir, Set.of());
        h.addFineTunedModel();
    }

    @Test
    void aDeploymentIsCreatingUntilItsWeightsLoadThenServesTheAdapterOnItsBase() {
        PutResult put = h.service.put(request("acct", "bot", MODEL, 1));
        assertThat(put.created()).isTrue();
        assertThat(put.deployment().state()).isEqualTo(ProvisioningState.CREATING);
        assertThat(put.deployment().sku().name()).isEqualTo("Standard");
        assertThatThrownBy(() -> h.service.live("bot")).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.DEPLOYMENT_NOT_FOUND));

        h.runLoads();

        assertThat(h.service.get("acct", "bot").state()).isEqualTo(ProvisioningState.SUCCEEDED);
        LiveDeployment live = h.service.live("bot");
        assertThat(live.modelName()).isEqualTo(MODEL);
        assertThat(h.engine.spec("bot").baseModelDir()).isEqualTo(h.chatModel.dir());
        assertThat(h.engine.spec("bot").weightsDir()).isEqualTo(dir.toAbsolutePath().resolve("jobs/" + JOB + "/final"));
    }

    @Test
    void aFailedLoadKeepsItsReason() {
        h.engine.failLoadsOf("final");
        h.service.put(request("acct", "bot", MODEL, 1));
        h.runLoads();
        Deployment d = h.service.get("acct", "bot");
        assertThat(d.state()).isEqualTo(ProvisioningState.FAILED);
        assertThat(d.error()).contains("Loading model '" + MODEL + "' failed").contains("injected failure");
        assertThat(h.engine.loadedKeys()).isEmpty();
    }

    @Test
    void checkpointsDeployByIdAndByName() {
        h.service.put(request("acct", "by-id", CHECKPOINT, 1));
        h.service.put(request("acct", "by-name", CHECKPOINT_NAME, 1));
        h.runLoads();
        Path checkpointDir = dir.toAbsolutePath().resolve("jobs/" + JOB + "/checkpoint-10");
        assertThat(h.engine.spec("by-id").weightsDir()).isEqualTo(checkpointDir);
        assertThat(h.engine.spec("by-name").weightsDir()).isEqualTo(checkpointDir);
        assertThat(h.service.live("by-name").modelName()).isEqualTo(CHECKPOINT_NAME);
    }

    @Test
    void baseModelsDeployByIdOrAliasWithoutAdapter() {
        h.service.put(request("acct", "base", "gpt-35-turbo-0613", 1));
        h.runLoads();
        assertThat(h.engine.spec("base").weightsDir()).isNull();
        assertThat(h.engine.spec("base").baseModelDir()).isEqualTo(h.chatModel.dir());
    }

    @Test
    void unknownModelsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> h.service.put(request("acct", "bot", "no-such-model", 1)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
                    assertThat(e.param()).isEqualTo("properties.model.name");
                    assertThat(e.getMessage()).contains("properties.model.name 'no-such-model' cannot be deployed")
                            .contains("tiny-chat");
                });
        assertThat(h.store.all()).isEmpty();
    }

    @Test
    void namesAreUniqueAcrossAccountsAndAPutInTheSameAccountUpdates() {
        h.service.put(request("acct", "bot", MODEL, 1));
        assertThatThrownBy(() -> h.service.put(request("other", "bot", MODEL, 1)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.getMessage()).contains("'bot'").contains("account 'acct'");
                });
        h.runLoads();
        PutResult again = h.service.put(request("acct", "bot", MODEL, 3));
        assertThat(again.created()).isFalse();
        assertThat(again.deployment().state()).isEqualTo(ProvisioningState.SUCCEEDED); // same model: no reload
        assertThat(h.pendingLoads).isEmpty();
        assertThat(h.service.live("bot").quota().admit(2500).limitTokens()).isEqualTo(3000);
    }

    @Test
    void changingTheModelReloads() {
        h.service.put(request("acct", "bot", MODEL, 1));
        h.runLoads();
        PutResult changed = h.service.put(request("acct", "bot", "tiny-chat", 1));
        assertThat(changed.deployment().state()).isEqualTo(ProvisioningState.CREATING);
        assertThatThrownBy(() -> h.service.live("bot")).isInstanceOf(ApiException.class);
        h.runLoads();
        assertThat(h.service.live("bot").modelName()).isEqualTo("tiny-chat");
        assertThat(h.engine.spec("bot").weightsDir()).isNull();
    }

    @Test
    void deletingUnloadsAtOnceAndListsReflectIt() {
        h.service.put(request("acct", "bot", MODEL, 1));
        h.runLoads();
        assertThat(h.service.delete("acct", "bot")).isTrue();
        assertThat(h.engine.loadedKeys()).isEmpty();
        assertThat(h.engine.log()).containsExactly("load bot", "unload bot");
        assertThat(h.service.list("acct")).isEmpty();
        assertThatThrownBy(() -> h.service.live("bot")).isInstanceOf(ApiException.class);
        assertThat(h.service.delete("acct", "bot")).isFalse();
    }

    @Test
    void aLoadFinishingAfterItsDeploymentWasDeletedUnloadsItself() {
        h.service.put(request("acct", "bot", MODEL, 1));
        Runnable load = h.pendingLoads.poll();
        h.service.delete("acct", "bot");
        load.run();
        assertThat(h.engine.loadedKeys()).isEmpty();
        assertThat(h.store.all()).isEmpty();
    }

    @Test
    void deployedModelsAndTheirJobsCannotBeDeleted() {
        h.service.put(request("acct", "bot", MODEL, 1));
        assertThatThrownBy(() -> h.fineTuned.delete(MODEL)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
            assertThat(e.getMessage()).contains("deployment 'bot'");
        });
        assertThatThrownBy(() -> h.jobs.delete(JOB)).isInstanceOf(ApiException.class).hasMessageContaining("deployment 'bot'");
        assertThat(h.stores.models().find(MODEL)).isPresent();
        h.service.delete("acct", "bot");
        h.fineTuned.delete(MODEL);
        assertThat(h.stores.models().find(MODEL)).isEmpty();
    }

    @Test
    void aDeployedCheckpointKeepsItsModelAndJob() {
        h.service.put(request("acct", "ckpt", CHECKPOINT_NAME, 1));
        assertThatThrownBy(() -> h.fineTuned.delete(MODEL)).isInstanceOf(ApiException.class)
                .hasMessageContaining("deployment 'ckpt'");
        assertThatThrownBy(() -> h.jobs.delete(JOB)).isInstanceOf(ApiException.class).hasMessageContaining("deployment 'ckpt'");
        assertThat(h.stores.checkpoints().find(CHECKPOINT)).isPresent();
    }

    @Test
    void aRestartLoadsAgainWhatWasServingOrBeingCreated() {
        h.service.put(request("acct", "serving", MODEL, 1));
        h.runLoads();
        h.service.put(request("acct", "creating", "tiny-chat", 1));
        h.pendingLoads.clear(); // the process stopped before this load ran
        h.engine.failLoadsOf("tiny-completion");
        h.service.put(request("acct", "failed", "tiny-completion", 1));
        h.runLoads();
        h.engine.close();

        DeploymentService restarted = h.newService(Set.of());
        restarted.restore();
        h.runLoads();
        assertThat(h.engine.loadedKeys()).containsExactlyInAnyOrder("serving", "creating");
        assertThat(restarted.get("acct", "creating").state()).isEqualTo(ProvisioningState.SUCCEEDED);
        assertThat(restarted.live("serving").modelName()).isEqualTo(MODEL);
        assertThat(restarted.get("acct", "failed").state()).isEqualTo(ProvisioningState.FAILED);
    }

    @Test
    void aReplicaSharingTheStoreLoadsADeploymentOnItsFirstLookup() {
        h.service.put(request("acct", "bot", MODEL, 1));
        h.runLoads();
        dev.whetstone.testing.FakeInferenceEngine otherEngine = new dev.whetstone.testing.FakeInferenceEngine();
        DeploymentService replica = new DeploymentService(h.store, h.resolver, h.stores, h.paths, otherEngine, h.loads,
                new AccountNames(Set.of()), (account, policy) -> {}, h.clock);
        assertThatThrownBy(() -> replica.live("bot")).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> replica.live("bot")).isInstanceOf(ApiException.class);
        assertThat(h.pendingLoads).hasSize(1); // one load, however many lookups missed meanwhile
        h.runLoads();
        assertThat(replica.live("bot").modelName()).isEqualTo(MODEL);
        assertThat(otherEngine.loadedKeys()).containsExactly("bot");
        assertThatThrownBy(() -> replica.live("never-deployed")).isInstanceOf(ApiException.class);
        assertThat(h.pendingLoads).isEmpty();

        h.service.put(request("acct", "bot", MODEL, 4));
        assertThat(replica.live("bot").quota().admit(3500).limitTokens()).isEqualTo(4000);
        h.service.delete("acct", "bot");
        assertThatThrownBy(() -> replica.live("bot")).isInstanceOf(ApiException.class);
        assertThat(otherEngine.loadedKeys()).isEmpty();
    }

    @Test
    void accountsAreValidatedAndMayBeRestricted() {
        assertThatThrownBy(() -> h.service.put(request("-bad", "bot", MODEL, 1))).isInstanceOf(ApiException.class)
                .hasMessageContaining("Account name '-bad' is invalid");
        DeploymentService restricted = h.newService(Set.of("team-a"));
        assertThatThrownBy(() -> restricted.put(request("team-b", "bot", MODEL, 1)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.getMessage()).contains("team-b").contains("allows: team-a");
                });
        assertThat(restricted.put(request("team-a", "bot", MODEL, 1)).created()).isTrue();
    }

    @Test
    void skuAndSourceAreChecked() {
        assertThatThrownBy(() -> h.service.put(new DeploymentRequest("acct", "bot",
                new Deployment.ModelRef("OpenAI", MODEL, "1", null), new Deployment.Sku("Premium", 1), null)))
                .isInstanceOf(ApiException.class).hasMessageContaining("sku.name 'Premium' is not supported; allowed: Standard, GlobalStandard");
        assertThatThrownBy(() -> h.service.put(request("acct", "bot", MODEL, 0))).isInstanceOf(ApiException.class)
                .hasMessageContaining("sku.capacity must be an integer from 1");
        assertThatThrownBy(() -> h.service.put(new DeploymentRequest("acct", "bot",
                new Deployment.ModelRef("OpenAI", MODEL, "1", "/subscriptions/x/accounts/y"), new Deployment.Sku("Standard", 1),
                null)))
                .isInstanceOf(ApiException.class).hasMessageContaining("properties.model.source");
        String source = "/subscriptions/s2/resourceGroups/g2/providers/Microsoft.CognitiveServices/accounts/other";
        PutResult cross = h.service.put(new DeploymentRequest("acct", "bot",
                new Deployment.ModelRef("openai", MODEL, null, source), new Deployment.Sku("Standard", 1), null));
        assertThat(cross.deployment().model()).isEqualTo(new Deployment.ModelRef("OpenAI", MODEL, "1", source));
    }
}
