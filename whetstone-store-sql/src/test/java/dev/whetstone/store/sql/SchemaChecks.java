package dev.whetstone.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** Checks of the migrated schema shared by the SQLite and PostgreSQL database tests. */
final class SchemaChecks {
    /** Every table and its columns in order: the shape later issues (jobs, queue, deployments) rely on. */
    static final Map<String, List<String>> TABLES = new LinkedHashMap<>();

    static {
        TABLES.put("files", List.of("id", "created_at", "filename", "purpose", "bytes", "status", "status_details",
                "sha256", "blob_key", "stats_format", "stats_examples", "stats_estimated_tokens", "stats_image_parts", "stats_first_image_line"));
        TABLES.put("jobs", List.of("id", "created_at", "status", "model", "training_file", "validation_file",
                "suffix", "seed", "hyperparameters", "method", "fine_tuned_model", "result_files", "trained_tokens",
                "finished_at", "estimated_finish", "error", "version", "lease_owner", "lease_expires_at",
                "cancel_requested", "pause_requested", "resolved_hyperparameters", "safety_evaluation", "metadata",
                "integrations"));
        TABLES.put("job_events", List.of("id", "job_id", "created_at", "seq", "level", "type", "message", "data"));
        TABLES.put("job_metrics", List.of("job_id", "step", "train_loss", "train_mean_token_accuracy", "valid_loss",
                "valid_mean_token_accuracy", "full_valid_loss", "full_valid_mean_token_accuracy", "train_reward_accuracy",
                "train_reward_margin", "valid_reward_accuracy", "valid_reward_margin", "train_reward_mean", "valid_reward_mean",
                "train_kl", "train_answer_length"));
        TABLES.put("checkpoints", List.of("id", "job_id", "created_at", "step_number", "fine_tuned_model_checkpoint",
                "metrics", "dir"));
        TABLES.put("models", List.of("id", "created_at", "base_model", "job_id", "dir", "status", "evaluation"));
        TABLES.put("deployments", List.of("account", "name", "created_at", "model", "sku_name", "sku_capacity",
                "state", "error", "model_format", "model_version", "model_source", "updated_at", "etag",
                "rai_policy_name", "last_used_at"));
        TABLES.put("account_keys", List.of("account", "key1", "key2", "key1_sha256", "key2_sha256", "updated_at"));
        TABLES.put("accounts", List.of("name", "subscription_id", "resource_group", "created_at"));
        TABLES.put("job_accounts", List.of("job_id", "account"));
        TABLES.put("rai_policies", List.of("account", "name", "mode", "base_policy_name", "content_filters",
                "custom_blocklists", "classifiers", "created_at", "updated_at", "etag"));
        TABLES.put("rai_blocklists", List.of("account", "name", "description", "created_at", "updated_at", "etag"));
        TABLES.put("base_models", List.of("id", "store_key", "architecture", "chat", "vision", "created_at"));
        TABLES.put("rai_blocklist_items", List.of("account", "blocklist", "name", "pattern", "is_regex", "created_at",
                "updated_at", "etag"));
        TABLES.put("processes", List.of("id", "kind", "host", "pid", "version", "started_at", "heartbeat_at", "state",
                "jobs", "deployments"));
        TABLES.put("quota_buckets", List.of("deployment", "token_limit", "request_limit", "tokens", "requests",
                "refilled_at", "version"));
        TABLES.put("service_secrets", List.of("name", "value", "created_at"));
    }

    private SchemaChecks() {}

    static void assertAllTablesExist(Jdbi jdbi) {
        TABLES.forEach((table, columns) -> assertThat(columns(jdbi, table)).as(table).isEqualTo(columns));
    }

    private static List<String> columns(Jdbi jdbi, String table) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM " + table + " WHERE 1 = 0").scanResultSet((rs, ctx) -> {
            ResultSetMetaData meta = rs.get().getMetaData();
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) names.add(meta.getColumnName(i).toLowerCase());
            return names;
        }));
    }

    /** Children of a job need the job, and go with it (foreign keys must be on, also in SQLite). */
    static void assertJobChildrenNeedTheirJob(Jdbi jdbi) {
        assertThatThrownBy(() -> jdbi.useHandle(h -> h.execute(
                "INSERT INTO job_events (id, job_id, created_at, seq, level, type, message) "
                        + "VALUES ('ev-1', 'ftjob-missing', 1, 1, 'info', 'message', 'x')")))
                .message().containsIgnoringCase("foreign key");
        jdbi.useHandle(h -> {
            h.execute("INSERT INTO jobs (id, created_at, status, model, training_file) "
                    + "VALUES ('ftjob-1', 1, 'pending', 'base', 'file-1')");
            h.execute("INSERT INTO job_events (id, job_id, created_at, seq, level, type, message) "
                    + "VALUES ('ev-1', 'ftjob-1', 1, 1, 'info', 'message', 'created')");
            h.execute("INSERT INTO job_metrics (job_id, step, train_loss) VALUES ('ftjob-1', 1, 2.5)");
            h.execute("DELETE FROM jobs WHERE id = 'ftjob-1'");
        });
        assertThat(count(jdbi, "job_events") + count(jdbi, "job_metrics")).isZero();
    }

    static int count(Jdbi jdbi, String table) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Integer.class).one());
    }

    /** Versions Flyway recorded as applied; opening again must not add rows. */
    static List<String> appliedVersions(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery(
                "SELECT version FROM flyway_schema_history WHERE version IS NOT NULL AND success ORDER BY installed_rank")
                .mapTo(String.class).list());
    }
}
