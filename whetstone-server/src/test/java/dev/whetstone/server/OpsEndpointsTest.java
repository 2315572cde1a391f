package dev.whetstone.server;

import static dev.whetstone.server.JobClient.chatLines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.cluster.ProcessRecord;
import dev.whetstone.server.api.Json;
import dev.whetstone.testing.FakeTrainer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health probes without credentials, the process's meters, and its row in the process registry. */
class OpsEndpointsTest {
    @TempDir Path dir;
    final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> anonymous(TestServer ts, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(ts.base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void probesAnswerWithoutCredentialsAndNameEachCheck() throws Exception {
        try (TestServer ts = TestServer.start(dir)) {
            HttpResponse<String> live = anonymous(ts, "/livez");
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(live.body()).get("status").asText()).isEqualTo("alive");

            HttpResponse<String> ready = anonymous(ts, "/readyz");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            JsonNode body = Json.MAPPER.readTree(ready.body());
            assertThat(body.get("status").asText()).isEqualTo("ready");
            assertThat(body.get("checks").fieldNames()).toIterable()
                    .containsExactly("database", "blob_store", "accepting", "http");
            assertThat(body.has("error")).isFalse();

            assertThat(anonymous(ts, "/metrics").statusCode()).isEqualTo(401);
            assertThat(anonymous(ts, "/healthz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aFailingCheckMakesTheProcessNotReadyNamingIt() throws Exception {
        try (TestServer ts = TestServer.start(dir)) {
            ts.server.ops().readiness().add("blob_probe", () -> {
                throw new java.io.IOException("bucket unreachable");
            });
            HttpResponse<String> ready = anonymous(ts, "/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            JsonNode body = Json.MAPPER.readTree(ready.body());
            assertThat(body.at("/checks/blob_probe/status").asText()).isEqualTo("down");
            assertThat(body.at("/checks/blob_probe/error").asText()).isEqualTo("bucket unreachable");
            assertThat(body.at("/checks/database/status").asText()).isEqualTo("up");
            assertThat(body.at("/error/message").asText()).isEqualTo("The process is not ready: blob_probe: bucket unreachable.");
        }
    }

    @Test
    void metricsCountTrainingJobsAndInference() throws Exception {
        try (TestServer ts = TestServer.withJobs(dir, new FakeTrainer(), 1, Clock.systemUTC(), 20)) {
            JobClient client = new JobClient(ts);
            String training = client.upload("training_set.jsonl", chatLines(10));
            String id = client.createOk("{\"model\":\"gpt-35-turbo-0613\",\"training_file\":\"" + training
                    + "\",\"hyperparameters\":{\"n_epochs\":2,\"batch_size\":2}}");
            client.awaitStatus(id, "succeeded");
            ts.server.ops().metrics().bindCache("test", new long[] {3, 1}, c -> c[0], c -> c[1]);
            System.gc(); // gauges whose state Micrometer held only weakly would read NaN after a collection

            String metrics = ts.get("/metrics").body();
            assertThat(metrics).contains("whetstone_training_steps_total 10.0");
            assertThat(metrics).contains("whetstone_jobs{state=\"succeeded\"} 1.0");
            assertThat(metrics).contains("whetstone_jobs{state=\"pending\"} 0.0");
            assertThat(metrics).contains("whetstone_queue_depth 0.0");
            assertThat(metrics).contains("whetstone_training_tokens_per_second 0.0"); // no job runs now
            assertThat(metrics).contains("whetstone_deployments_loaded 0.0");
            assertThat(metrics).contains("whetstone_process_draining 0.0");
            assertThat(metrics).contains("whetstone_cache_hits_total{cache=\"test\"} 3.0");
            assertThat(metrics).contains("whetstone_cache_misses_total{cache=\"test\"} 1.0");
        }
    }

    @Test
    void inferenceLatencyIsAHistogramAndGeneratedTokensAreCounted() throws Exception {
        try (InferenceFixture f = new InferenceFixture(dir)) {
            f.engine.reply("count", "a b c");
            HttpResponse<String> r = f.post(InferenceFixture.AZURE_CHAT,
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            int completion = Json.MAPPER.readTree(r.body()).at("/usage/completion_tokens").asInt();
            String metrics = f.ts.get("/metrics").body();
            assertThat(metrics).contains("whetstone_inference_tokens_generated_total{deployment=\"chat\"} " + completion + ".0");
            assertThat(metrics).containsPattern("whetstone_inference_request_duration_seconds_bucket\\{deployment=\"chat\","
                    + "endpoint=\"chat/completions\",status=\"200\",le=\"[^\"]+\"} 1");
            assertThat(metrics).contains("whetstone_inference_request_duration_seconds_count{deployment=\"chat\","
                    + "endpoint=\"chat/completions\",status=\"200\"} 1");
        }
    }

    @Test
    void theReplicaRegistersItselfAndLeavesTheRegistryWhenClosed() throws Exception {
        TestServer ts = TestServer.start(dir);
        try {
            List<ProcessRecord> rows = ts.shared.processes().list();
            assertThat(rows).hasSize(1);
            ProcessRecord me = rows.getFirst();
            assertThat(me.kind()).isEqualTo(ProcessRecord.Kind.SERVE);
            assertThat(me.id()).startsWith("serve-" + ProcessHandle.current().pid() + "-");
            assertThat(me.state()).isEqualTo(ProcessRecord.State.RUNNING);
            assertThat(me.version()).isEqualTo(expectedVersion());
        } finally {
            ts.close();
        }
        assertThat(ts.shared.processes().list()).isEmpty();
    }

    /** The build filters the version file from the project version (the root pom's). */
    private static String expectedVersion() throws Exception {
        String pom = Files.readString(Path.of("..", "pom.xml"));
        int start = pom.indexOf("<version>", pom.indexOf("<artifactId>whetstone-parent</artifactId>")) + "<version>".length();
        return pom.substring(start, pom.indexOf("</version>", start));
    }
}
