package dev.whetstone.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whetstone.safety.GuardFormat;
import dev.whetstone.safety.SafetySettings;
import dev.whetstone.server.ArtifactOptions;
import dev.whetstone.server.ServerConfig;
import dev.whetstone.server.ServingOptions;
import dev.whetstone.store.blob.S3Location;
import dev.whetstone.store.blob.S3Settings;
import java.net.URI;
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
    void serveTakesATokenSecretOfAtLeast32HexBytes() {
        String secret = "0f".repeat(32);
        assertThat(parse(ServeCommand.class, "serve", "--data", dir.toString(), "--token-secret", secret).config()
                .access().tokenSecret()).isEqualTo(secret);
        assertThat(parse(ServeCommand.class, "serve", "--data", dir.toString()).config().access().tokenSecret()).isNull();
        assertThatThrownBy(() -> parse(ServeCommand.class, "serve", "--token-secret", "0f0f").config())
                .hasMessageContaining("--token-secret must have at least 32 bytes (64 hex digits), got 2");
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
    void theDefaultAccountIsWhetstoneUnlessTheAllowedAccountsOrTheOptionSayOtherwise() {
        ServerConfig plain = parse(ServeCommand.class, "serve", "--data", dir.toString()).config();
        assertThat(plain.management().defaultAccount(plain.access().accounts())).isEqualTo("whetstone");
        ServerConfig listed = parse(ServeCommand.class, "serve", "--data", dir.toString(), "--accounts", "team-b,team-a")
                .config();
        assertThat(listed.management().defaultAccount(listed.access().accounts())).isEqualTo("team-a");
        ServerConfig chosen = parse(ServeCommand.class, "serve", "--data", dir.toString(), "--accounts", "team-b,team-a",
                "--default-account", "team-b").config();
        assertThat(chosen.management().defaultAccount(chosen.access().accounts())).isEqualTo("team-b");
    }

    @Test
    void aTokenLimitedToOneAccountCarriesIt() throws Exception {
        java.io.PrintStream out = System.out;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
        int exit;
        try {
            exit = WhetstoneCli.run("token", "--data", dir.toString(), "--role", "contributor", "--account", "team-a");
        } finally {
            System.setOut(out);
        }
        assertThat(exit).isZero();
        String[] lines = printed.toString(java.nio.charset.StandardCharsets.UTF_8).strip().split("\n");
        var verified = ServiceDatabase.tokens(dir, null, java.time.Clock.systemUTC())
                .verifyAll(lines[lines.length - 1].strip());
        assertThat(verified.account()).isEqualTo("team-a");
        assertThat(verified.role().wireName()).isEqualTo("contributor");
        assertThat(WhetstoneCli.run("token", "--data", dir.toString(), "--account", "x")).isEqualTo(2);
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
    void blobsStayInTheDataFolderUnlessAnS3StoreIsNamed() {
        assertThat(parse(ServeCommand.class, "serve", "--data", dir.toString()).config().s3()).isNull();
        assertThat(parse(WorkerCommand.class, "worker", "--data", dir.toString()).config().s3()).isNull();
    }

    @Test
    void serveAndWorkerTakeTheS3StoreEndpointAndAddressing() {
        for (String command : new String[] {"serve", "worker"}) {
            Object parsed = parse(Object.class, command, "--data", dir.toString(), "--blob-store", "s3://whetstone-blobs/prod/eu",
                    "--s3-endpoint", "http://minio.internal:9000", "--s3-path-style", "--s3-incomplete-upload-hours", "6");
            S3Settings s3 = parsed instanceof ServeCommand serve ? serve.config().s3() : ((WorkerCommand) parsed).config().s3();
            assertThat(s3.location()).isEqualTo(new S3Location("whetstone-blobs", "prod/eu"));
            assertThat(s3.endpoint()).isEqualTo(URI.create("http://minio.internal:9000"));
            assertThat(s3.pathStyle()).isTrue();
            assertThat(s3.incompleteUploadAge()).isEqualTo(Duration.ofHours(6));
            assertThat(s3.region()).as("from the AWS environment, at start").isNull();
            assertThat(s3.credentials()).as("from the AWS environment, at start").isNull();
        }
        S3Settings aws = parse(ServeCommand.class, "serve", "--data", dir.toString(), "--blob-store", "s3://b-1/").config().s3();
        assertThat(aws.location()).isEqualTo(new S3Location("b-1", ""));
        assertThat(aws.endpoint()).isNull();
        assertThat(aws.pathStyle()).isFalse();
        assertThat(aws.incompleteUploadAge()).isEqualTo(S3Settings.DEFAULT_INCOMPLETE_UPLOAD_AGE);
        assertThat(aws.partSize()).isEqualTo(S3Settings.DEFAULT_PART_SIZE);
    }

    @Test
    void badBlobStoreValuesAreUsageErrorsSayingWhatIsWrong() {
        assertThatThrownBy(() -> parse(ServeCommand.class, "serve", "--blob-store", "/mnt/blobs").config())
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--blob-store expects s3://BUCKET[/PREFIX], got '/mnt/blobs'");
        assertThatThrownBy(() -> parse(ServeCommand.class, "serve", "--blob-store", "s3://My_Bucket").config())
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageStartingWith("--blob-store 's3://My_Bucket': 'My_Bucket' is not a valid S3 bucket name");
        assertThatThrownBy(() -> parse(WorkerCommand.class, "worker", "--blob-store", "s3://ok-bucket/a//b").config())
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("the key prefix 'a//b' is not valid");
        assertThatThrownBy(() -> parse(ServeCommand.class, "serve", "--blob-store", "s3://ok-bucket",
                "--s3-endpoint", "minio:9000").config())
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--s3-endpoint expects an http:// or https:// URL with a host, got 'minio:9000'");
        assertThatThrownBy(() -> parse(ServeCommand.class, "serve", "--s3-endpoint", "http://minio:9000").config())
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--s3-endpoint needs --blob-store s3://BUCKET[/PREFIX]");
        assertThat(WhetstoneCli.run("serve", "--data", dir.toString(), "--blob-store", "s3://x")).isEqualTo(2);
    }

    @Test
    void artifactsStayInTheDataFolderUnlessTheBlobStoreIsChosenWithACacheSize() {
        ServerConfig defaults = parse(ServeCommand.class, "serve", "--data", dir.toString()).config();
        assertThat(defaults.artifacts().objectStore()).isFalse();
        assertThat(parse(WorkerCommand.class, "worker", "--data", dir.toString(), "--blob-store", "s3://b-1")
                .config().artifacts().objectStore()).as("an S3 blob store keeps the artifacts too").isTrue();
        ServerConfig serve = parse(ServeCommand.class, "serve", "--data", dir.toString(), "--artifacts", "blob-store",
                "--cache-size", "512m").config();
        assertThat(serve.artifacts()).isEqualTo(ArtifactOptions.objectStore(512L << 20));
        ServerConfig worker = parse(WorkerCommand.class, "worker", "--data", dir.toString(), "--artifacts",
                "blob-store", "--cache-size", "2g").config();
        assertThat(worker.artifacts()).isEqualTo(ArtifactOptions.objectStore(2L << 30));
        assertThat(parse(WorkerCommand.class, "worker", "--data", dir.toString(), "--artifacts", "blob-store",
                "--cache-size", "1048576").config().artifacts().cacheBytes()).isEqualTo(1L << 20);
        assertThatThrownBy(() -> parse(ServeCommand.class, "serve", "--artifacts", "s3").config())
                .hasMessageContaining("--artifacts must be data-folder or blob-store");
        assertThatThrownBy(() -> parse(ServeCommand.class, "serve", "--cache-size", "lots").config())
                .hasMessageContaining("'lots' is not a size");
        assertThatThrownBy(() -> parse(ServeCommand.class, "serve", "--cache-size", "-5g").config())
                .hasMessageContaining("is not a size");
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
        assertThat(WhetstoneCli.run("bench", "train", "--steps", "1")).isEqualTo(2);
        assertThat(WhetstoneCli.run("bench", "vision", "--steps", "1")).isEqualTo(2);
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
    void withoutAKeyTheServersKeyInItsDatabaseIsUsed() throws Exception {
        try (dev.whetstone.store.sql.Database db = dev.whetstone.store.sql.Database.open(
                dev.whetstone.server.ServerConfig.effectiveDbUrl(dir, null))) {
            new dev.whetstone.store.sql.JdbiServiceSecretStore(db).insert(dev.whetstone.store.ServiceSecretStore.API_KEY,
                    "from-db", 1);
        }
        assertThat(parse(JobsCommand.Show.class, "jobs", "show", "ftjob-x", "--data", dir.toString()).endpoint.key())
                .isEqualTo("from-db");
        assertThat(parse(JobsCommand.Show.class, "jobs", "show", "ftjob-x", "--data", dir.resolve("none").toString())
                .endpoint.key()).isNull();
        assertThat(dir.resolve("none")).doesNotExist(); // no database is created just to look for a key
    }

    @Test
    void apiKeyPrintsTheGeneratedKeyFromTheDatabaseOrSaysThereIsNone() throws Exception {
        DeploymentsCliTest.Run none = DeploymentsCliTest.cli("api-key", "--data", dir.toString());
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).contains("No generated API key").contains("start `whetstone serve` once");
        try (dev.whetstone.store.sql.Database db = dev.whetstone.store.sql.Database.open(
                dev.whetstone.server.ServerConfig.effectiveDbUrl(dir, null))) {
            new dev.whetstone.store.sql.JdbiServiceSecretStore(db).insert(dev.whetstone.store.ServiceSecretStore.API_KEY,
                    "wst-stored", 1);
        }
        DeploymentsCliTest.Run run = DeploymentsCliTest.cli("api-key", "--data", dir.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.lastLine()).isEqualTo("wst-stored");
    }

    @Test
    void theProgressLineShowsStepLossSpeedAndEta() {
        String line = new ProgressLine(30, 120, 1.23456, 512.4, Duration.ofSeconds(65)).render();
        assertThat(line).isEqualTo("[######..................] step 30/120  loss 1.2346  512 tok/s  ETA 1m05s");
        assertThat(new ProgressLine(0, 0, Double.NaN, 0, null).render()).isEqualTo("[........................] step 0/?  ETA ?");
    }
}
