package dev.whetstone.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whetstone.safety.GuardFormat;
import dev.whetstone.safety.SafetySettings;
import dev.whetstone.server.ServerConfig;
import dev.whetstone.server.ServingOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What the options of serve, worker and jobs turn into (the environment of this JVM sets no WHETSTONE_* variable). */
class CommandLineParsingTest {
    @TempDir Path dir;

    static <T> T parse(Class<T> type, String... args) {
        CommandLine.ParseResult result = new CommandLine(new WhetstoneCli()).parseArgs(args);
        CommandLine.ParseResult leaf = result;
        while (leaf.hasSubcommand()) leaf = leaf.subcommand();
        return type.cast(leaf.commandSpec().userObject());
    }

    @Test
    void serveDefaultsToOneWorkerTheDefaultQuotaAndLease() {
        ServerConfig config = parse(ServeCommand.class, "serve", "--data", dir.toString()).config();
        assertThat(config.workers()).isEqualTo(1);
        assertThat(config.maxActiveJobs()).isEqualTo(ServerConfig.DEFAULT_MAX_ACTIVE_JOBS);
        assertThat(config.workerLease()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.workerSettings().heartbeat()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void serveTakesWorkersQuotaAndTheHiddenLease() {
        ServerConfig config = parse(ServeCommand.class, "serve", "--data", dir.toString(), "--workers", "0",
                "--max-active-jobs", "3", "--worker-lease-seconds", "4").config();
        assertThat(config.workers()).isZero();
        assertThat(config.maxActiveJobs()).isEqualTo(3);
        assertThat(config.workerLease()).isEqualTo(Duration.ofSeconds(4));
        assertThat(config.workerSettings().heartbeat()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.workerSettings().poll()).isEqualTo(Duration.ofSeconds(1));
        assertThat(new CommandLine(new WhetstoneCli()).getSubcommands().get("serve").getUsageMessage())
                .contains("--workers", "--max-active-jobs").doesNotContain("--worker-lease-seconds");
    }

    @Test
    void serveTakesInferenceKeysAndAllowedAccounts() {
        ServerConfig config = parse(ServeCommand.class, "serve", "--data", dir.toString(), "--inference-key", "k1,k2",
                "--accounts", "team-a, team-b").config();
        assertThat(config.access().inferenceKeys()).containsExactlyInAnyOrder("k1", "k2");
        assertThat(config.access().accounts()).containsExactlyInAnyOrder("team-a", "team-b");
        assertThat(parse(ServeCommand.class, "serve", "--data", dir.toString()).config().access().accounts()).isEmpty();
    }

    @Test
    void serveTakesTheInferenceBatchQueueAndTimeOut() {
        ServerConfig defaults = parse(ServeCommand.class, "serve", "--data", dir.toString()).config();
        assertThat(defaults.serving()).isEqualTo(ServingOptions.DEFAULTS);
        ServerConfig config = parse(ServeCommand.class, "serve", "--data", dir.toString(), "--inference-max-batch", "4",
                "--inference-max-waiting", "16", "--inference-timeout-seconds", "30").config();
        assertThat(config.serving()).isEqualTo(new ServingOptions(4, 16, Duration.ofSeconds(30)));
        assertThatThrownBy(() -> parse(ServeCommand.class, "serve", "--inference-max-batch", "0").config())
                .hasMessageContaining("the inference batch must be at least 1, got 0");
    }

    @Test
    void serveTakesTheServedWeightFormat() {
        ServerConfig config = parse(ServeCommand.class, "serve", "--data", dir.toString(), "--inference-weights", "int8")
                .config();
        assertThat(config.serving().weights()).isEqualTo("int8");
        assertThat(parse(ServeCommand.class, "serve", "--data", dir.toString()).config().serving().weights())
                .isEqualTo("fp32");
        assertThatThrownBy(() -> parse(ServeCommand.class, "serve", "--inference-weights", "q4").config())
                .hasMessageContaining("the served weight format must be one of [fp32, bf16, int8], got 'q4'");
    }

    @Test
    void serveTakesTheSafetyPhasesEvaluationPolicyAndGuardFormat() {
        SafetySettings defaults = parse(ServeCommand.class, "serve", "--data", dir.toString()).config().safety();
        assertThat(defaults).isEqualTo(SafetySettings.defaults());
        SafetySettings s = parse(ServeCommand.class, "serve", "--data", dir.toString(), "--no-data-evaluation",
                "--no-model-evaluation", "--evaluation-policy", "team-a/strict", "--evaluation-max-rate", "0.25",
                "--guard-deployment", "guard", "--guard-format", "qwen3guard").config().safety();
        assertThat(s.dataEvaluation()).isFalse();
        assertThat(s.modelEvaluation()).isFalse();
        assertThat(s.evaluationAccount()).isEqualTo("team-a");
        assertThat(s.evaluationPolicy()).isEqualTo("strict");
        assertThat(s.maxFlaggedRate()).isEqualTo(0.25);
        assertThat(s.guardDeployment()).isEqualTo("guard");
        assertThat(s.guardFormat()).isEqualTo(GuardFormat.QWEN3GUARD);
        assertThatThrownBy(() -> parse(ServeCommand.class, "serve", "--evaluation-policy", "strict").config())
                .hasMessageContaining("--evaluation-policy must be ACCOUNT/POLICY");
        assertThatThrownBy(() -> parse(ServeCommand.class, "serve", "--guard-format", "llama-guard-2").config())
                .hasMessageContaining("--guard-format must be one of llama-guard-3, shieldgemma, qwen3guard");
        assertThatThrownBy(() -> parse(ServeCommand.class, "serve", "--evaluation-max-rate", "1.5").config())
                .hasMessageContaining("must be in [0, 1], got 1.5");
    }

    @Test
    void negativeWorkersAreRefusedWithTheReason() {
        assertThatThrownBy(() -> parse(ServeCommand.class, "serve", "--workers", "-1").config())
                .hasMessageContaining("workers must be 0 (API only) or more");
    }

    @Test
    void workerSharesDataAndDatabaseAndRunsNWorkers() {
        WorkerCommand worker = parse(WorkerCommand.class, "worker", "--data", dir.toString(),
                "--db", "jdbc:postgresql://db/whetstone", "--models-dir", dir.resolve("m").toString(), "--workers", "2");
        ServerConfig config = worker.config();
        assertThat(config.dataDir()).isEqualTo(dir);
        assertThat(config.effectiveDbUrl()).isEqualTo("jdbc:postgresql://db/whetstone");
        assertThat(config.effectiveModelsDir()).isEqualTo(dir.resolve("m"));
        assertThat(config.workers()).isEqualTo(2);
    }

    @Test
    void aWorkerProcessWithoutWorkersIsAUsageError() {
        assertThat(WhetstoneCli.run("worker", "--data", dir.toString(), "--workers", "0")).isEqualTo(2);
    }

    @Test
    void benchTrainRejectsAnUnknownModelOrMethodBeforeMeasuring() {
        assertThat(WhetstoneCli.run("bench", "train", "--model", "tiny-chat,gpt-5")).isEqualTo(2);
        assertThat(WhetstoneCli.run("bench", "train", "--method", "qlora")).isEqualTo(2);
        assertThat(WhetstoneCli.run("bench", "infer", "--model", "gpt-5")).isEqualTo(2);
        assertThat(WhetstoneCli.run("bench", "infer", "--precision", "fp8", "--threads", "1")).isEqualTo(2);
        assertThat(WhetstoneCli.run("bench", "vision", "--model", "tiny-chat")).isEqualTo(2);
        assertThat(WhetstoneCli.run("bench", "reinforce", "--model", "tiny-vision", "--work-dir", "x")).isEqualTo(2);
        assertThat(WhetstoneCli.run("bench", "reinforce", "--steps", "1")).isEqualTo(2);
    }

    @Test
    void jobsFollowTakesEndpointKeyAndJob() throws Exception {
        JobsCommand.Follow follow = parse(JobsCommand.Follow.class, "jobs", "follow", "ftjob-abc",
                "--endpoint", "http://10.0.0.5:9000", "--api-key", "k1");
        assertThat(follow.id).isEqualTo("ftjob-abc");
        assertThat(follow.endpoint.url).isEqualTo("http://10.0.0.5:9000");
        assertThat(follow.endpoint.key()).isEqualTo("k1");
        assertThat(parse(JobsCommand.ListJobs.class, "jobs", "list").endpoint.url).isEqualTo("http://127.0.0.1:8080");
    }

    @Test
    void withoutAKeyTheServersKeyFileInDataIsUsed() throws Exception {
        Files.writeString(dir.resolve("api-key"), "from-file\n", StandardCharsets.UTF_8);
        assertThat(parse(JobsCommand.Show.class, "jobs", "show", "ftjob-x", "--data", dir.toString()).endpoint.key())
                .isEqualTo("from-file");
        assertThat(parse(JobsCommand.Show.class, "jobs", "show", "ftjob-x", "--data", dir.resolve("none").toString())
                .endpoint.key()).isNull();
    }

    @Test
    void theProgressLineShowsStepLossSpeedAndEta() {
        String line = new ProgressLine(30, 120, 1.23456, 512.4, Duration.ofSeconds(65)).render();
        assertThat(line).isEqualTo("[######..................] step 30/120  loss 1.2346  512 tok/s  ETA 1m05s");
        assertThat(new ProgressLine(0, 0, Double.NaN, 0, null).render()).isEqualTo("[........................] step 0/?  ETA ?");
    }
}
