package dev.whetstone.server;

import static dev.whetstone.server.ArmClient.howToBody;
import static dev.whetstone.server.JobClient.V;
import static dev.whetstone.server.JobClient.chatLines;
import static dev.whetstone.server.JobClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.Folders;
import dev.whetstone.artifacts.BlobFolderArtifacts;
import dev.whetstone.artifacts.FolderCache;
import dev.whetstone.models.StoredBaseModels;
import dev.whetstone.testing.FakeModels;
import dev.whetstone.engine.inference.ServingSpec;
import dev.whetstone.store.blob.LocalBlobStore;
import dev.whetstone.testing.FakeTrainer;
import dev.whetstone.testing.ManualClock;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import dev.whetstone.jobs.Checkpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Machines that share no disk (issue #17): every server has its own data folder and they have only the database
 * stores and one object store in common (a local blob folder of its own stands in for S3). A job started on worker
 * A is interrupted after a resume point; worker B, with an empty data folder, finishes it from the stored resume
 * point with the results.csv of an uninterrupted twin; a third server deploys the fine-tuned model from the object
 * store into its own cache and answers chat.
 */
class NoSharedDiskTest {
    private static final String JOB = "{\"model\":\"gpt-35-turbo-0613\",\"training_file\":\"%s\",\"seed\":42,"
            + "\"hyperparameters\":{\"n_epochs\":2,\"batch_size\":2}}";

    @TempDir Path dir;
    final ManualClock clock = new ManualClock();
    TestServer twin;
    TestServer a;
    TestServer b;
    TestServer c;

    @AfterEach
    void stop() {
        for (TestServer s : new TestServer[] {c, b, a, twin}) if (s != null) s.close();
    }

    @Test
    void aJobInterruptedOnOneWorkerFinishesOnAnotherAndDeploysOnAThirdWithNoCommonFolder() throws Exception {
        String uninterrupted = uninterruptedResults();

        TestServer.Shared cluster = TestServer.clusterStores(LocalBlobStore.open(dir.resolve("object-store")));
        FakeTrainer trainerA = new FakeTrainer().crashAfterStep(7); // resume points at steps 4 and 5 (the epoch end)
        a = TestServer.clusterMember(dir.resolve("machine-a"), cluster, trainerA, 1, clock);
        JobClient client = new JobClient(a);
        String id = client.createOk(JOB.formatted(client.upload("training_set.jsonl", chatLines(10))));
        assertThat(trainerA.awaitCrash(Duration.ofSeconds(20))).isTrue();
        a.close();
        a = null;
        Folders.deleteTree(dir.resolve("machine-a")); // the machine is gone, and its disk with it

        FakeTrainer trainerB = new FakeTrainer();
        b = TestServer.clusterMember(dir.resolve("machine-b"), cluster, trainerB, 1, clock);
        clock.advance(TestServer.WORKER_SETTINGS.lease());
        JobClient clientB = new JobClient(b);
        JsonNode done = clientB.awaitStatus(id, "succeeded");
        assertThat(trainerB.specs()).hasSize(1);
        assertThat(trainerB.specs().getFirst().workDir().startsWith(dir.resolve("machine-b"))).isTrue();
        assertThat(events(b, id)).contains("Training continues at step 6 of 10.");
        String resumed = b.get("/openai/files/" + done.get("result_files").get(0).asText() + "/content?" + V).body();
        assertThat(resumed).isEqualTo(uninterrupted);
        // B's work folder was scratch: what the job produced lives in the object store only
        assertThat(dir.resolve("machine-b/jobs").resolve(id)).doesNotExist();

        c = TestServer.clusterMember(dir.resolve("machine-c"), cluster, new FakeTrainer(), 0, Clock.systemUTC());
        ArmClient arm = new ArmClient(c.base, c.adminToken());
        String model = done.get("fine_tuned_model").asText();
        assertThat(arm.put("bot", howToBody(model)).statusCode()).isEqualTo(201);
        assertThat(arm.awaitTerminal("bot").at("/properties/provisioningState").asText()).isEqualTo("Succeeded");
        ServingSpec served = c.engine.spec("bot");
        assertThat(served.weightsDir()).startsWith(dir.resolve("machine-c/artifact-cache"));
        assertThat(Files.readString(served.weightsDir().resolve("adapter_config.json"))).contains("\"seed\":42");
        HttpResponse<String> chat = c.post("/openai/deployments/bot/chat/completions?api-version=2024-10-21",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        assertThat(json(chat).at("/choices/0/message/content").asText()).isNotEmpty();

        // The export reads the adapter from the object store too: the engine's real exporter gets as far as the
        // adapter's tensors, which the FakeTrainer leaves empty (a missing folder would be another message).
        HttpResponse<String> peft = c.get("/openai/models/" + model + "/export?format=peft&" + V);
        assertThat(peft.statusCode()).isEqualTo(409);
        assertThat(json(peft).at("/error/message").asText()).contains("adapter_model.safetensors holds no lora_A/lora_B");
    }

    @Test
    void aBaseModelAddedToTheStoreIsListedTrainedOnAndServedByMachinesThatNeverHadItsFolder() throws Exception {
        TestServer.Shared cluster = TestServer.clusterStores(LocalBlobStore.open(dir.resolve("object-store")));
        Path folder = FakeModels.create(dir.resolve("operator-laptop"), "store-chat", true);
        // what `whetstone models add --to-store` does, against the cluster's stores
        new StoredBaseModels(cluster.baseModels(), new BlobFolderArtifacts(cluster.blobs(),
                new FolderCache(dir.resolve("operator-laptop/cache"), 1L << 30)))
                .add(ModelDirectoryScanner.read(folder).orElseThrow(), folder);
        Folders.deleteTree(dir.resolve("operator-laptop"));

        FakeTrainer trainer = new FakeTrainer();
        a = TestServer.clusterMember(dir.resolve("machine-a"), cluster, trainer, 1, Clock.systemUTC());
        JsonNode models = json(a.get("/openai/models?" + V)).get("data");
        assertThat(models.findValuesAsText("id")).contains("store-chat", "tiny-chat");
        JobClient client = new JobClient(a);
        String id = client.createOk("{\"model\":\"store-chat\",\"training_file\":\""
                + client.upload("training_set.jsonl", chatLines(10)) + "\"}");
        JsonNode done = client.awaitStatus(id, "succeeded");
        assertThat(done.get("model").asText()).isEqualTo("store-chat");
        Path trainedOn = trainer.specs().getFirst().baseModelDir();
        assertThat(trainedOn.startsWith(dir.resolve("machine-a/artifact-cache"))).isTrue();

        c = TestServer.clusterMember(dir.resolve("machine-c"), cluster, new FakeTrainer(), 0, Clock.systemUTC());
        ArmClient arm = new ArmClient(c.base, c.adminToken());
        assertThat(arm.put("base-bot", howToBody("store-chat")).statusCode()).isEqualTo(201);
        assertThat(arm.put("tuned-bot", howToBody(done.get("fine_tuned_model").asText())).statusCode()).isEqualTo(201);
        assertThat(arm.awaitTerminal("base-bot").at("/properties/provisioningState").asText()).isEqualTo("Succeeded");
        assertThat(arm.awaitTerminal("tuned-bot").at("/properties/provisioningState").asText()).isEqualTo("Succeeded");
        Path servedBase = c.engine.spec("base-bot").baseModelDir();
        assertThat(servedBase.startsWith(dir.resolve("machine-c/artifact-cache"))).isTrue();
        assertThat(servedBase.resolve("config.json")).exists();
        assertThat(c.engine.spec("tuned-bot").baseModelDir()).isEqualTo(servedBase); // one cached copy for both
    }

    @Test
    void deletingAFineTunedModelDeletesItsFoldersFromTheObjectStore() throws Exception {
        TestServer.Shared cluster = TestServer.clusterStores(LocalBlobStore.open(dir.resolve("object-store")));
        a = TestServer.clusterMember(dir.resolve("machine-a"), cluster, new FakeTrainer(), 1, Clock.systemUTC());
        JobClient client = new JobClient(a);
        String id = client.createOk(JOB.formatted(client.upload("training_set.jsonl", chatLines(10))));
        String model = client.awaitStatus(id, "succeeded").get("fine_tuned_model").asText();
        List<String> stored = new ArrayList<>(cluster.jobs().checkpoints().all(id).stream().map(Checkpoint::dir).toList());
        stored.add(cluster.jobs().models().find(model).orElseThrow().dir());
        stored.add("jobs/" + id + "/resume");
        for (String key : stored) assertThat(cluster.blobs().open(key + "/manifest.json")).as(key).isPresent();

        assertThat(a.send(a.request("/openai/models/" + model + "?" + V).DELETE().build()).statusCode()).isEqualTo(200);
        for (String key : stored) assertThat(cluster.blobs().open(key + "/manifest.json")).as(key).isEmpty();
    }

    /** The same job on a single machine that is never interrupted. */
    private String uninterruptedResults() throws Exception {
        twin = TestServer.withJobs(dir.resolve("twin"), new FakeTrainer(), 1, Clock.systemUTC(), 20);
        JobClient client = new JobClient(twin);
        String id = client.createOk(JOB.formatted(client.upload("training_set.jsonl", chatLines(10))));
        JsonNode done = client.awaitStatus(id, "succeeded");
        String csv = twin.get("/openai/files/" + done.get("result_files").get(0).asText() + "/content?" + V).body();
        assertThat(csv.lines().count()).isEqualTo(11); // header and ten steps
        twin.close();
        twin = null;
        return csv;
    }

    private static String events(TestServer s, String id) throws Exception {
        StringBuilder all = new StringBuilder();
        for (JsonNode e : json(s.get("/openai/fine_tuning/jobs/" + id + "/events?limit=100&" + V)).get("data")) {
            all.append(e.get("message").asText()).append('\n');
        }
        return all.toString();
    }
}
