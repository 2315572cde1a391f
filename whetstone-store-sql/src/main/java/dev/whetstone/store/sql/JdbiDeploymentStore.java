package dev.whetstone.store.sql;

import dev.whetstone.deployments.Deployment;
import dev.whetstone.deployments.ProvisioningState;
import dev.whetstone.store.DeploymentStore;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Update;

/**
 * {@link DeploymentStore} on the {@code deployments} table. The unique index on {@code name} makes names unique
 * across accounts; {@code ON CONFLICT DO NOTHING} (SQLite and PostgreSQL alike) turns a taken name into "false".
 */
public final class JdbiDeploymentStore implements DeploymentStore {
    private static final String COLUMNS = "account, name, created_at, model, sku_name, sku_capacity, state, error, "
            + "model_format, model_version, model_source, updated_at, etag, rai_policy_name";
    private static final String READ_COLUMNS = COLUMNS + ", last_used_at";
    private static final RowMapper<Deployment> DEPLOYMENT = (rs, ctx) -> new Deployment(rs.getString("account"),
            rs.getString("name"), new Deployment.ModelRef(rs.getString("model_format"), rs.getString("model"),
            rs.getString("model_version"), rs.getString("model_source")),
            new Deployment.Sku(rs.getString("sku_name"), rs.getInt("sku_capacity")), rs.getString("rai_policy_name"),
            ProvisioningState.fromWire(rs.getString("state")), rs.getString("error"), rs.getLong("created_at"),
            rs.getLong("updated_at"), rs.getString("etag"), rs.getLong("last_used_at"));

    private final Jdbi jdbi;

    public JdbiDeploymentStore(Database database) {
        this.jdbi = database.jdbi();
    }

    private static final String INSERT = "INSERT INTO deployments (" + COLUMNS + ") VALUES (:account, :name, "
            + ":createdAt, :model, :skuName, :skuCapacity, :state, :error, :modelFormat, :modelVersion, :modelSource, "
            + ":updatedAt, :etag, :raiPolicyName) ON CONFLICT DO NOTHING";

    @Override
    public boolean insert(Deployment d) {
        return jdbi.withHandle(h -> bind(h.createUpdate(INSERT), d).bind("account", d.account()).execute()) > 0;
    }

    private static final String FIND = "SELECT " + READ_COLUMNS + " FROM deployments WHERE name = :name";

    @Override
    public Optional<Deployment> find(String name) {
        return jdbi.withHandle(h -> h.createQuery(FIND).bind("name", name).map(DEPLOYMENT).findOne());
    }

    private static final String LIST = "SELECT " + READ_COLUMNS + " FROM deployments WHERE account = :account "
            + "ORDER BY created_at, name";

    @Override
    public List<Deployment> list(String account) {
        return jdbi.withHandle(h -> h.createQuery(LIST).bind("account", account).map(DEPLOYMENT).list());
    }

    private static final String ALL = "SELECT " + READ_COLUMNS + " FROM deployments ORDER BY created_at, name";

    @Override
    public List<Deployment> all() {
        return jdbi.withHandle(h -> h.createQuery(ALL).map(DEPLOYMENT).list());
    }

    private static final String UPDATE = "UPDATE deployments SET created_at = :createdAt, model = :model, "
            + "sku_name = :skuName, sku_capacity = :skuCapacity, state = :state, error = :error, "
            + "model_format = :modelFormat, model_version = :modelVersion, model_source = :modelSource, "
            + "updated_at = :updatedAt, etag = :etag, rai_policy_name = :raiPolicyName "
            + "WHERE name = :name AND etag = :expected";

    @Override
    public boolean update(Deployment d, String expectedEtag) {
        return jdbi.withHandle(h -> bind(h.createUpdate(UPDATE), d).bind("expected", expectedEtag).execute()) > 0;
    }

    private static final String DELETE = "DELETE FROM deployments WHERE name = :name";

    @Override
    public boolean delete(String name) {
        return jdbi.withHandle(h -> h.createUpdate(DELETE).bind("name", name).execute()) > 0;
    }

    private static final String TOUCH = "UPDATE deployments SET last_used_at = :at WHERE name = :name";

    @Override
    public boolean touch(String name, long at) {
        return jdbi.withHandle(h -> h.createUpdate(TOUCH).bind("name", name).bind("at", at).execute()) > 0;
    }

    private static Update bind(Update u, Deployment d) {
        return u.bind("name", d.name())
                .bind("createdAt", d.createdAt())
                .bind("model", d.model().name())
                .bind("skuName", d.sku().name())
                .bind("skuCapacity", d.sku().capacity())
                .bind("state", d.state().wireName())
                .bind("error", d.error())
                .bind("modelFormat", d.model().format())
                .bind("modelVersion", d.model().version())
                .bind("modelSource", d.model().source())
                .bind("updatedAt", d.updatedAt())
                .bind("etag", d.etag())
                .bind("raiPolicyName", d.raiPolicyName());
    }
}
