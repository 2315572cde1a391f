package dev.whetstone.store.sql;

import dev.whetstone.deployments.QuotaBucket;
import dev.whetstone.store.QuotaStore;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * {@link QuotaStore} on the {@code quota_buckets} table: one primary-key read and one conditional update per
 * change, no transaction held between them (the version makes the update a compare-and-set).
 */
public final class JdbiQuotaStore implements QuotaStore {
    private final Jdbi jdbi;

    public JdbiQuotaStore(Database database) {
        this.jdbi = database.jdbi();
    }

    @Override
    public Optional<Versioned> find(String deployment) {
        return jdbi.withHandle(h -> h.createQuery("SELECT token_limit, request_limit, tokens, requests, refilled_at, "
                        + "version FROM quota_buckets WHERE deployment = :d")
                .bind("d", deployment)
                .map((rs, ctx) -> new Versioned(new QuotaBucket(rs.getLong("token_limit"), rs.getLong("request_limit"),
                        rs.getDouble("tokens"), rs.getDouble("requests"), rs.getLong("refilled_at")), rs.getLong("version")))
                .findOne());
    }

    @Override
    public boolean insert(String deployment, QuotaBucket b) {
        return jdbi.withHandle(h -> h.createUpdate("INSERT INTO quota_buckets (deployment, token_limit, request_limit, "
                        + "tokens, requests, refilled_at, version) VALUES (:d, :tl, :rl, :t, :r, :at, 0) ON CONFLICT DO NOTHING")
                .bind("d", deployment).bind("tl", b.tokenLimit()).bind("rl", b.requestLimit()).bind("t", b.tokens())
                .bind("r", b.requests()).bind("at", b.refilledAt()).execute()) > 0;
    }

    @Override
    public boolean replace(String deployment, long version, QuotaBucket b) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE quota_buckets SET token_limit = :tl, request_limit = :rl, "
                        + "tokens = :t, requests = :r, refilled_at = :at, version = version + 1 "
                        + "WHERE deployment = :d AND version = :v")
                .bind("d", deployment).bind("v", version).bind("tl", b.tokenLimit()).bind("rl", b.requestLimit())
                .bind("t", b.tokens()).bind("r", b.requests()).bind("at", b.refilledAt()).execute()) > 0;
    }

    @Override
    public void delete(String deployment) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM quota_buckets WHERE deployment = :d").bind("d", deployment).execute());
    }
}
