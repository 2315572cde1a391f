package dev.whetstone.store.sql;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.whetstone.cluster.ProcessRecord;
import dev.whetstone.store.ProcessStore;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** {@link ProcessStore} on the {@code processes} table; jobs and deployments are JSON arrays. */
public final class JdbiProcessStore implements ProcessStore {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private static final String COLUMNS = "id, kind, host, pid, version, started_at, heartbeat_at, state, jobs, deployments";

    private final Jdbi jdbi;

    public JdbiProcessStore(Database database) {
        this.jdbi = database.jdbi();
    }

    @Override
    public void put(ProcessRecord p) {
        // ON CONFLICT … DO UPDATE is the same in SQLite (3.24+) and PostgreSQL: one statement, no read-then-write race.
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO processes (" + COLUMNS + ") VALUES (:id, :kind, :host, :pid, "
                        + ":version, :startedAt, :heartbeatAt, :state, :jobs, :deployments) ON CONFLICT (id) DO UPDATE SET "
                        + "heartbeat_at = excluded.heartbeat_at, state = excluded.state, jobs = excluded.jobs, "
                        + "deployments = excluded.deployments")
                .bind("id", p.id()).bind("kind", p.kind().wireName()).bind("host", p.host()).bind("pid", p.pid())
                .bind("version", p.version()).bind("startedAt", p.startedAt()).bind("heartbeatAt", p.heartbeatAt())
                .bind("state", p.state().wireName()).bind("jobs", JsonColumns.write(p.jobs()))
                .bind("deployments", JsonColumns.write(p.deployments())).execute());
    }

    @Override
    public List<ProcessRecord> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM processes ORDER BY kind, started_at, id")
                .map((rs, ctx) -> new ProcessRecord(rs.getString("id"), ProcessRecord.Kind.fromWire(rs.getString("kind")),
                        rs.getString("host"), rs.getLong("pid"), rs.getString("version"), rs.getLong("started_at"),
                        rs.getLong("heartbeat_at"), ProcessRecord.State.fromWire(rs.getString("state")),
                        JsonColumns.read(rs.getString("jobs"), STRINGS, "jobs"),
                        JsonColumns.read(rs.getString("deployments"), STRINGS, "deployments")))
                .list());
    }

    @Override
    public boolean delete(String id) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM processes WHERE id = :id").bind("id", id).execute()) > 0;
    }

    @Override
    public int deleteStale(long heartbeatBeforeMillis) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM processes WHERE heartbeat_at < :t")
                .bind("t", heartbeatBeforeMillis).execute());
    }
}
