package dev.whetstone.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.testing.PostgresSchema;
import dev.whetstone.testing.S3TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #17's acceptance: a cluster of processes with only PostgreSQL and an S3 server in common — two API
 * replicas ({@code serve --workers 0}) and two {@code worker}s, each with its own data folder, configured as
 * docs/operations.md ("A cluster on three machines") configures them: shared settings in WHETSTONE_* and AWS_*
 * variables, per-process ones as options. Four jobs on the how-to's workflow succeed; the worker training one of two
 * twins is killed (-9) after its first resume point and the other worker finishes the job with the uninterrupted
 * twin's results.csv; every fine-tuned model is deployed through Resource Manager and both replicas answer chat on
 * every deployment; a capacity-1 deployment's 1000 tokens a minute hold for both replicas together.
 */
class ClusterTest {
    private static final String BUCKET = "whetstone";
    private static final String PREFIX = "prod";
    private static final String ARM_ACCOUNT = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
            + "cluster/providers/Microsoft.CognitiveServices/accounts/whetstone";
    /** Twins: 10 examples, batch size 1; a resume point at every epoch end, so at step 10 of 50. */
    private static final String TWIN_HYPERPARAMETERS = "{\"n_epochs\":5,\"batch_size\":1}";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir Path root;
    private final List<ChildService> children = new ArrayList<>();
    private final Map<ChildService, String> names = new LinkedHashMap<>();

    @Test
    void twoReplicasAndTwoWorkersShareOnlyPostgresAndS3() throws Throwable {
        try (PostgresSchema schema = PostgresSchema.create(); S3TestServer s3 = S3TestServer.start()) {
            s3.createBucket(BUCKET);
            try {
                runCluster(schema, s3);
            } catch (Throwable failure) {
                for (Map.Entry<ChildService, String> child : names.entrySet()) {
                    System.err.println("===== " + child.getValue() + " log =====\n" + child.getKey().logText());
                }
                throw failure;
            } finally {
                for (ChildService child : children) child.close();
            }
        }
    }

    private void runCluster(PostgresSchema schema, S3TestServer s3) throws Exception {
        // What every process shares, as the environment of each machine (docs/operations.md, "A cluster on three machines").
        Map<String, String> env = new HashMap<>(s3.environment()); // AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION
        env.put("WHETSTONE_DB", schema.url());
        env.put("WHETSTONE_BLOB_STORE", "s3://" + BUCKET + "/" + PREFIX);
        env.put("WHETSTONE_S3_ENDPOINT", s3.endpoint().toString());
        env.put("WHETSTONE_S3_PATH_STYLE", "true");
        env.put("WHETSTONE_WORKER_LEASE_SECONDS", "10"); // short, so the killed worker's job is taken over soon

        Path data1 = root.resolve("replica-1");
        Path data2 = root.resolve("replica-2");
        // Replica 1 first: it generates the service key into the database; everyone else reads it from there.
        ChildService r1 = track("replica-1", ChildService.replica(data1, env, "--workers", "0"));
        DeploymentsCliTest.Run apiKey = DeploymentsCliTest.cli("api-key", "--db", schema.url());
        assertThat(apiKey.code()).as(apiKey.err()).isZero();
        String key = apiKey.lastLine();
        ChildService r2 = track("replica-2", ChildService.replica(data2, env, "--workers", "0"));
        ChildService w1 = track("worker-1", ChildService.worker(root.resolve("worker-1"), env));
        ChildService w2 = track("worker-2", ChildService.worker(root.resolve("worker-2"), env));
        ServiceClient c1 = r1.client(key);
        ServiceClient c2 = r2.client(key);

        // Both workers registered before any job exists, so the twins start on different workers.
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> kinds(status(schema)).equals(List.of("serve", "serve", "worker", "worker")));

        // The how-to's workflow: training and validation files through replica 1, jobs through either replica.
        String training = c1.upload(ServiceClient.chatLines(10));
        String validation = c1.upload(ServiceClient.chatLines(3));
        await().atMost(Duration.ofSeconds(60)).until(() -> c1.fileStatus(training).equals("processed")
                && c1.fileStatus(validation).equals("processed"));
        String twinA = createJob(c1, training, validation, 105, TWIN_HYPERPARAMETERS);
        String twinB = createJob(c2, training, validation, 105, TWIN_HYPERPARAMETERS);
        String third = createJob(c2, training, validation, 7, "{\"n_epochs\":2,\"batch_size\":2}");
        String fourth = createJob(c1, training, validation, 11, "{\"n_epochs\":1,\"batch_size\":1}");

        // Kill -9 the worker holding twin A once twin A's first resume point is in the object store.
        String[] holder = new String[1];
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> (holder[0] = leaseProcess(status(schema), twinA)) != null);
        long pid = pid(status(schema), holder[0]);
        ChildService victim = w1.process().pid() == pid ? w1 : w2;
        ChildService survivor = victim == w1 ? w2 : w1;
        assertThat(victim.process().pid()).as("the lease names a worker process").isEqualTo(pid);
        String resumeManifest = PREFIX + "/jobs/" + twinA + "/resume/manifest.json";
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                .until(() -> s3.keys(BUCKET).contains(resumeManifest));
        victim.kill();
        assertThat(c1.jobStatus(twinA)).as("twin A still runs when its worker is killed (more epochs if not)")
                .isEqualTo("running");

        for (String job : List.of(twinA, twinB, third, fourth)) {
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500))
                    .until(() -> List.of("succeeded", "failed", "cancelled").contains(c2.jobStatus(job)));
            JsonNode finished = c2.get("/openai/fine_tuning/jobs/" + job);
            assertThat(finished.get("status").asText()).as(finished.toString()).isEqualTo("succeeded");
        }
        assertThat(survivor.process().isAlive()).isTrue();
        // Twin A continued from its stored resume point on the survivor; twin B ran through.
        assertThat(messages(c1, twinA)).anyMatch(m -> m.startsWith("Training continues at step "));
        System.out.println("ClusterTest: twin A after the kill: " + messages(c1, twinA).stream()
                .filter(m -> m.startsWith("Training continues")).toList());
        assertThat(messages(c1, twinB)).noneMatch(m -> m.startsWith("Training continues at step "));
        String resultsA = results(c1, twinA);
        assertThat(resultsA.lines().count()).as(resultsA).isEqualTo(51); // header + 50 steps
        assertThat(results(c2, twinB)).isEqualTo(resultsA);

        // Every fine-tuned model deployed through Resource Manager (alternating replicas), answered by both replicas.
        List<String> deployments = new ArrayList<>();
        List<String> jobs = List.of(twinA, twinB, third, fourth);
        for (int i = 0; i < jobs.size(); i++) {
            String model = c1.get("/openai/fine_tuning/jobs/" + jobs.get(i)).get("fine_tuned_model").asText();
            String name = "ft-" + (i + 1);
            deploy(i % 2 == 0 ? r1 : r2, key, name, model, 10);
            deployments.add(name);
        }
        for (String name : deployments) {
            for (ServiceClient c : List.of(c1, c2)) {
                HttpResponse<String> answer = chatOnceLoaded(c, name, "Q1?", 4);
                assertThat(answer.statusCode()).as(name + " on " + c.endpoint() + ": " + answer.body()).isEqualTo(200);
                assertThat(ServiceClient.JSON.readTree(answer.body()).at("/choices/0/message/role").asText()).isEqualTo("assistant");
            }
        }
        // whetstone status lists both replicas with every deployment loaded (rewritten at each 10 s heartbeat).
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            int replicasWithAll = 0;
            for (JsonNode p : status(schema).get("processes")) {
                List<String> loaded = new ArrayList<>();
                p.get("deployments").forEach(d -> loaded.add(d.asText()));
                if (p.get("kind").asText().equals("serve") && loaded.containsAll(deployments)) replicasWithAll++;
            }
            return replicasWithAll == 2;
        });

        assertCapacityHoldsForTheCluster(r1, r2, c1, c2, key, twinA);

        // Nothing job-related in the replicas' own folders: no blobs, no job folders, no database; only the demo
        // models, the native libraries' cache and the cache of downloaded deployments.
        for (Path data : List.of(data1, data2)) {
            List<String> entries;
            try (var list = Files.list(data)) {
                entries = list.map(p -> p.getFileName().toString()).sorted().toList();
            }
            System.out.println("ClusterTest: " + data.getFileName() + " holds " + entries);
            assertThat(entries).as(data.getFileName().toString()).isSubsetOf("models", "cache", "artifact-cache", "tmp");
        }
        assertThat(s3.keys(BUCKET)).contains(PREFIX + "/files/" + training, PREFIX + "/files/" + validation);
    }

    /**
     * A capacity-1 deployment allows 1000 tokens a minute for the whole cluster. Requests of ~300 tokens alternate
     * between the replicas: each replica alone stays well under 1000, yet a request is refused (429 for tokens,
     * requests left) once both together have used the budget.
     */
    private void assertCapacityHoldsForTheCluster(ChildService r1, ChildService r2, ServiceClient c1, ServiceClient c2,
                                                  String key, String job) throws Exception {
        // The prompt's length in tokens, measured on an uncapped deployment: ~300 tokens each request.
        String probe = "word ".repeat(50).strip();
        int probeTokens = ServiceClient.JSON.readTree(chatOnceLoaded(c1, "ft-1", probe, 1).body())
                .at("/usage/prompt_tokens").asInt();
        assertThat(probeTokens).isPositive();
        String prompt = "word ".repeat(Math.max(1, 50 * 300 / probeTokens)).strip();
        int maxTokens = 4;

        String model = c1.get("/openai/fine_tuning/jobs/" + job).get("fine_tuned_model").asText();
        deploy(r1, key, "capped", model, 1);
        long[] used = new long[2];
        HttpResponse<String> refused = null;
        // Replica 2 first: it loads the deployment on that first request (404s, nothing charged) before any charge,
        // so the charged requests follow each other closely and little refills between them.
        for (int i = 0; i < 6 && refused == null; i++) { // capacity 1 also allows 6 requests a minute
            ServiceClient c = i % 2 == 0 ? c2 : c1;
            HttpResponse<String> r = chatOnceLoaded(c, "capped", prompt, maxTokens);
            if (r.statusCode() == 429) {
                refused = r;
            } else {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                used[i % 2] += ServiceClient.JSON.readTree(r.body()).at("/usage/total_tokens").asLong();
            }
        }
        assertThat(refused).as("a request is refused within 6 alternating requests").isNotNull();
        JsonNode error = ServiceClient.JSON.readTree(refused.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("tooManyRequests");
        assertThat(error.get("message").asText()).contains("1000 tokens and 6 requests per minute");
        assertThat(refused.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("1000");
        assertThat(Long.parseLong(refused.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow()))
                .as("refused for tokens, not requests").isPositive();
        long remaining = Long.parseLong(refused.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow());
        System.out.println("ClusterTest: capacity 1: replica 1 used " + used[1] + ", replica 2 used " + used[0]
                + " tokens; refused with " + remaining + " left");
        assertThat(used[1]).as("replica 1 alone").isLessThan(1000);
        assertThat(used[0]).as("replica 2 alone").isLessThan(1000);
        assertThat(used[0]).isPositive();
        assertThat(used[1]).isPositive();
        // What is left is less than the refused request needs: both replicas' use came out of one budget.
        assertThat(remaining).isLessThan(1000 - Math.max(used[0], used[1]));
    }

    private ChildService track(String name, ChildService child) {
        children.add(child);
        names.put(child, name);
        return child;
    }

    private static String createJob(ServiceClient c, String training, String validation, int seed, String hyperparameters)
            throws Exception {
        return c.json("POST", "/openai/fine_tuning/jobs", "{\"model\":\"tiny-chat\",\"training_file\":\"" + training
                + "\",\"validation_file\":\"" + validation + "\",\"seed\":" + seed + ",\"hyperparameters\":"
                + hyperparameters + "}").get("id").asText();
    }

    /** The how-to's deployment PUT to {@code replica}'s Resource Manager paths, then GET until Succeeded. */
    private static void deploy(ChildService replica, String key, String name, String model, int capacity) throws Exception {
        String path = replica.endpoint() + ARM_ACCOUNT + "/deployments/" + name + "?api-version=2023-05-01";
        String body = "{\"sku\":{\"name\":\"standard\",\"capacity\":" + capacity + "},\"properties\":{\"model\":"
                + "{\"format\":\"OpenAI\",\"name\":\"" + model + "\",\"version\":\"1\"}}}";
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(path)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isIn(200, 201);
        String[] state = new String[1];
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(URI.create(path))
                    .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode d = ServiceClient.JSON.readTree(get.body());
            state[0] = d.at("/properties/provisioningState").asText() + " " + d.at("/properties/error");
            return state[0].startsWith("Succeeded") || state[0].startsWith("Failed");
        });
        assertThat(state[0]).as(name).startsWith("Succeeded");
    }

    /**
     * A chat request on {@code deployment}; a replica that has not served it yet loads it on the first lookup and
     * answers 404 until it is loaded (nothing is charged then), so 404s are retried.
     */
    private static HttpResponse<String> chatOnceLoaded(ServiceClient c, String deployment, String content, int maxTokens)
            throws Exception {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}],\"max_tokens\":" + maxTokens + "}";
        @SuppressWarnings("unchecked") HttpResponse<String>[] r = new HttpResponse[1];
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() ->
                (r[0] = c.send("POST", "/openai/deployments/" + deployment + "/chat/completions", body)).statusCode() != 404);
        return r[0];
    }

    private static JsonNode status(PostgresSchema schema) throws Exception {
        DeploymentsCliTest.Run run = DeploymentsCliTest.cli("status", "--db", schema.url(), "--json");
        assertThat(run.code()).as(run.err()).isZero();
        return ServiceClient.JSON.readTree(run.out());
    }

    private static List<String> kinds(JsonNode status) {
        List<String> kinds = new ArrayList<>();
        status.get("processes").forEach(p -> kinds.add(p.get("kind").asText()));
        return kinds.stream().sorted().toList();
    }

    /** The registered process whose worker holds {@code job}'s lease, or null while nobody does. */
    private static String leaseProcess(JsonNode status, String job) {
        for (JsonNode lease : status.get("leases")) {
            if (lease.get("job_id").asText().equals(job) && lease.get("status").asText().equals("running")
                    && !lease.path("process").isNull()) {
                return lease.get("process").asText();
            }
        }
        return null;
    }

    private static long pid(JsonNode status, String process) {
        for (JsonNode p : status.get("processes")) {
            if (p.get("id").asText().equals(process)) return p.get("pid").asLong();
        }
        throw new AssertionError("process " + process + " is not registered: " + status);
    }

    private static List<String> messages(ServiceClient c, String job) throws Exception {
        return c.events(job).stream().map(e -> e.get("message").asText()).toList();
    }

    private static String results(ServiceClient c, String job) throws Exception {
        return c.text("/openai/files/" + c.get("/openai/fine_tuning/jobs/" + job).get("result_files").get(0).asText()
                + "/content");
    }
}
