package dev.whetstone.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.whetstone.engine.ResolvedHyperparameters;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.jobs.Checkpoint;
import dev.whetstone.jobs.FineTuningJob;
import dev.whetstone.jobs.JobError;
import dev.whetstone.jobs.JobEvent;
import dev.whetstone.jobs.JobStatus;
import dev.whetstone.jobs.MetricsRow;
import dev.whetstone.models.FineTunedModel;
import dev.whetstone.store.PageRequest;
import dev.whetstone.testing.JobStoreContract;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the SQL stores add to the contracts: the stored JSON format (rows written by an older Whetstone must
 * stay readable), NaN where SQLite has none, and what deleting a job takes with it. Run on each dialect.
 */
abstract class JobStoresSqlChecks {
    private Database database;
    private JdbiJobStore jobs;
    private JdbiJobEventStore events;
    private JdbiCheckpointStore checkpoints;

    protected abstract Database database();

    @BeforeEach
    final void emptyTables() {
        database = database();
        JobTables.empty(database);
        jobs = new JdbiJobStore(database);
        events = new JdbiJobEventStore(database);
        checkpoints = new JdbiCheckpointStore(database);
    }

    @Test
    void aRowInTheStoredJsonFormatIsRead() {
        database.jdbi().useHandle(h -> h.execute("""
                INSERT INTO jobs (id, created_at, status, model, training_file, seed, hyperparameters,
                                  resolved_hyperparameters, method, result_files, error, version)
                VALUES ('ftjob-old', 7, 'failed', 'tiny-chat', 'file-t', 3,
                        '{"n_epochs":2,"batch_size":null,"learning_rate_multiplier":0.5}',
                        '{"n_epochs":2,"batch_size":4,"learning_rate_multiplier":0.5,"learning_rate":1.0E-4}',
                        '"LORA"', '["file-r"]', '{"code":"c","message":"m","param":null}', 4)"""));

        FineTuningJob job = jobs.find("ftjob-old").orElseThrow();
        assertThat(job.requested()).isEqualTo(new TrainingSpec.Hyperparameters(2, null, 0.5));
        assertThat(job.resolved()).isEqualTo(new ResolvedHyperparameters(2, 4, 0.5, 1e-4));
        assertThat(job.method()).isEqualTo(TrainingSpec.Method.LORA);
        assertThat(job.resultFiles()).containsExactly("file-r");
        assertThat(job.error()).isEqualTo(new JobError("c", "m", null));
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.version()).isEqualTo(4);
    }

    @Test
    void jsonIsStoredWithTheApisSnakeCaseNames() {
        jobs.insert(JobStoreContract.job("ftjob-a", 1, JobStatus.PENDING).toBuilder()
                .resolved(new ResolvedHyperparameters(3, 8, 2.0, 2e-4)).build());
        String resolved = database.jdbi().withHandle(h -> h.createQuery(
                "SELECT resolved_hyperparameters FROM jobs WHERE id = 'ftjob-a'").mapTo(String.class).one());
        assertThat(resolved).contains("\"n_epochs\":3", "\"batch_size\":8", "\"learning_rate_multiplier\":2.0");
    }

    @Test
    void unreadableJsonNamesTheColumn() {
        database.jdbi().useHandle(h -> h.execute("INSERT INTO jobs (id, created_at, status, model, training_file, "
                + "error) VALUES ('ftjob-bad', 1, 'failed', 'm', 'f', '{not json')"));
        assertThatIllegalStateException().isThrownBy(() -> jobs.find("ftjob-bad")).withMessageContaining("jobs.error");
    }

    /** A diverged run's loss is NaN; SQLite would store NULL, and 0.0 must not come back in its place. */
    @Test
    void aNaNTrainingLossReadsBackAsNaN() {
        jobs.insert(JobStoreContract.job("ftjob-a", 1, JobStatus.RUNNING));
        events.putMetrics("ftjob-a", new MetricsRow(1, Double.NaN, Double.NaN, null, null, null, null));
        checkpoints.insert(new Checkpoint("ftchkpt-1", "ftjob-a", 1, 1, "m:ckpt-step-1",
                Map.of("train_loss", Double.NaN), "dir"));

        MetricsRow row = events.metrics("ftjob-a").getFirst();
        assertThat(row.trainLoss()).isNaN();
        assertThat(row.trainMeanTokenAccuracy()).isNaN();
        assertThat(checkpoints.find("ftchkpt-1").orElseThrow().metrics().get("train_loss")).isNaN();
    }

    @Test
    void deletingAJobDeletesItsEventsMetricsAndCheckpointsButNotItsModel() {
        jobs.insert(JobStoreContract.job("ftjob-a", 1, JobStatus.SUCCEEDED));
        events.append(new JobEvent("ftevent-1", "ftjob-a", 1, 0, "info", "message", "done", null));
        events.putMetrics("ftjob-a", new MetricsRow(1, 1.0, 0.5, null, null, null, null));
        checkpoints.insert(new Checkpoint("ftchkpt-1", "ftjob-a", 1, 1, "m:ckpt-step-1", Map.of(), "dir"));
        JdbiModelStore models = new JdbiModelStore(database);
        models.insert(new FineTunedModel("m.ft-a", 2, "m", "ftjob-a", "jobs/ftjob-a/final", "succeeded"));

        assertThat(jobs.delete("ftjob-a")).isTrue();

        assertThat(events.list("ftjob-a", PageRequest.first(10)).data()).isEmpty();
        assertThat(events.metrics("ftjob-a")).isEmpty();
        assertThat(checkpoints.all("ftjob-a")).isEmpty();
        assertThat(models.list()).extracting(FineTunedModel::id).isEqualTo(List.of("m.ft-a"));
    }
}
