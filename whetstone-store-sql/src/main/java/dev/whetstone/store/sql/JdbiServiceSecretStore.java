package dev.whetstone.store.sql;

import dev.whetstone.store.ServiceSecretStore;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** {@link ServiceSecretStore} on the {@code service_secrets} table; the first insert of a name wins. */
public final class JdbiServiceSecretStore implements ServiceSecretStore {
    private final Jdbi jdbi;

    public JdbiServiceSecretStore(Database database) {
        this.jdbi = database.jdbi();
    }

    @Override
    public Optional<String> find(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT value FROM service_secrets WHERE name = :n")
                .bind("n", name).mapTo(String.class).findOne());
    }

    @Override
    public boolean insert(String name, String value, long createdAt) {
        return jdbi.withHandle(h -> h.createUpdate("INSERT INTO service_secrets (name, value, created_at) "
                        + "VALUES (:n, :v, :t) ON CONFLICT DO NOTHING")
                .bind("n", name).bind("v", value).bind("t", createdAt).execute()) > 0;
    }
}
