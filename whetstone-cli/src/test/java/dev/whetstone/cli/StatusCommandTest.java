package dev.whetstone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whetstone.cluster.ProcessRecord;
import dev.whetstone.cluster.ProcessRecord.Kind;
import dev.whetstone.cluster.ProcessRecord.State;
import dev.whetstone.jobs.JobStatus;
import dev.whetstone.store.sql.Database;
import dev.whetstone.store.sql.JdbiJobStore;
import dev.whetstone.store.sql.JdbiProcessStore;
import dev.whetstone.testing.JobStoreContract;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code whetstone status} over a data folder's database: processes (stale ones marked), leases, deployments. */
class StatusCommandTest {
    @TempDir Path data;
    long now;

    @BeforeEach
    void registerACluster() {
        now = System.currentTimeMillis();
        try (Database db = Database.open("jdbc:sqlite:" + data.resolve("whetstone.db"))) {
            JdbiProcessStore processes = new JdbiProcessStore(db);
            processes.put(new ProcessRecord("serve-11-aaaaaaaa", Kind.SERVE, "api-1", 11, "0.1.0", now - 60_000,
                    now - 2_000, State.RUNNING, List.of(), List.of("chat-a", "chat-b")));
            processes.put(new ProcessRecord("worker-22-bbbbbbbb", Kind.WORKER, "gpu-1", 22, "0.1.0", now - 50_000,
                    now - 1_000, State.DRAINING, List.of("ftjob-held"), List.of()));
            processes.put(new ProcessRecord("worker-33-cccccccc", Kind.WORKER, "gpu-2", 33, "0.1.0", now - 900_000,
                    now - 600_000, State.RUNNING, List.of(), List.of()));
            JdbiJobStore jobs = new JdbiJobStore(db);
            jobs.insert(JobStoreContract.job("ftjob-held", 1, JobStatus.RUNNING).toBuilder()
                    .lease("worker-22-bbbbbbbb-0", now + 45_000).build());
            jobs.insert(JobStoreContract.job("ftjob-orphan", 2, JobStatus.RUNNING).toBuilder()
                    .lease("worker-99-dddddddd-1", now - 5_000).build());
            jobs.insert(JobStoreContract.job("ftjob-waiting", 3, JobStatus.PENDING));
        }
    }

    @Test
    void printsProcessesLeasesAndLoadedDeployments() {
        DeploymentsCliTest.Run run = DeploymentsCliTest.cli("status", "--data", data.toString());
        assertThat(run.code()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).first().isEqualTo("PROCESSES");
        assertThat(line(lines, "serve-11-aaaaaaaa")).contains(" serve ").contains("api-1").contains(" running ");
        assertThat(line(lines, "worker-22-bbbbbbbb ")).contains(" draining ").endsWith("ftjob-held");
        assertThat(line(lines, "worker-33-cccccccc")).contains(" stale ").containsPattern(" 10m\\d\\ds ago ");
        assertThat(line(lines, "  ftjob-held ")).contains("worker-22-bbbbbbbb-0").contains(" worker-22-bbbbbbbb ")
                .doesNotContain("expired");
        assertThat(line(lines, "ftjob-orphan")).contains("(not registered)").contains("(expired)");
        assertThat(run.out()).doesNotContain("ftjob-waiting");
        assertThat(lines).contains("DEPLOYMENTS LOADED");
        assertThat(lines.getLast()).matches("\\s*serve-11-aaaaaaaa\\s+chat-a, chat-b");
    }

    @Test
    void jsonHasEveryField() throws Exception {
        DeploymentsCliTest.Run run = DeploymentsCliTest.cli("status", "--data", data.toString(), "--json");
        assertThat(run.code()).as(run.err()).isZero();
        JsonNode status = new ObjectMapper().readTree(run.out());
        JsonNode processes = status.get("processes");
        assertThat(processes).hasSize(3);
        assertThat(processes.get(0).get("id").asText()).isEqualTo("serve-11-aaaaaaaa");
        assertThat(processes.get(0).get("deployments").toString()).isEqualTo("[\"chat-a\",\"chat-b\"]");
        // workers by start time: the stale one started first
        assertThat(processes.get(1).get("id").asText()).isEqualTo("worker-33-cccccccc");
        assertThat(processes.get(1).get("stale").asBoolean()).isTrue();
        assertThat(processes.get(1).get("heartbeat_at").asLong()).isEqualTo(now - 600_000);
        assertThat(processes.get(2).get("state").asText()).isEqualTo("draining");
        assertThat(processes.get(2).get("stale").asBoolean()).isFalse();
        assertThat(processes.get(2).get("jobs").toString()).isEqualTo("[\"ftjob-held\"]");
        JsonNode leases = status.get("leases");
        assertThat(leases).hasSize(2);
        assertThat(leases.get(0).get("job_id").asText()).isEqualTo("ftjob-orphan");
        assertThat(leases.get(0).get("process").isNull()).isTrue();
        assertThat(leases.get(0).get("expired").asBoolean()).isTrue();
        assertThat(leases.get(1).get("holder").asText()).isEqualTo("worker-22-bbbbbbbb-0");
        assertThat(leases.get(1).get("process").asText()).isEqualTo("worker-22-bbbbbbbb");
        assertThat(leases.get(1).get("lease_expires_at").asLong()).isEqualTo(now + 45_000);
    }

    private static String line(List<String> lines, String containing) {
        return lines.stream().filter(l -> l.contains(containing)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with " + containing + " in " + lines));
    }
}
