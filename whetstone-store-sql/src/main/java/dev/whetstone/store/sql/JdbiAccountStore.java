package dev.whetstone.store.sql;

import dev.whetstone.store.AccountStore;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** {@link AccountStore} on the {@code accounts} and {@code job_accounts} tables. */
public final class JdbiAccountStore implements AccountStore {
    private final Jdbi jdbi;

    public JdbiAccountStore(Database database) {
        this.jdbi = database.jdbi();
    }

    @Override
    public Optional<Account> find(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT name, subscription_id, resource_group, created_at FROM accounts "
                        + "WHERE name = :n").bind("n", name).map((rs, ctx) -> account(rs)).findOne());
    }

    @Override
    public boolean insert(Account a) {
        return jdbi.withHandle(h -> h.createUpdate("INSERT INTO accounts (name, subscription_id, resource_group, "
                        + "created_at) VALUES (:n, :s, :g, :t) ON CONFLICT DO NOTHING")
                .bind("n", a.name()).bind("s", a.subscription()).bind("g", a.resourceGroup()).bind("t", a.createdAt())
                .execute()) > 0;
    }

    @Override
    public List<Account> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT name, subscription_id, resource_group, created_at FROM accounts "
                + "ORDER BY name").map((rs, ctx) -> account(rs)).list());
    }

    @Override
    public void setJobOwner(String jobId, String account) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO job_accounts (job_id, account) VALUES (:j, :a) "
                + "ON CONFLICT (job_id) DO UPDATE SET account = :a").bind("j", jobId).bind("a", account).execute());
    }

    @Override
    public Optional<String> jobOwner(String jobId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT account FROM job_accounts WHERE job_id = :j").bind("j", jobId)
                .mapTo(String.class).findOne());
    }

    private static Account account(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Account(rs.getString("name"), rs.getString("subscription_id"), rs.getString("resource_group"),
                rs.getLong("created_at"));
    }
}
