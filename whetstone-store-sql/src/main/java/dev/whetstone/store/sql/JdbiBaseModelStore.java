package dev.whetstone.store.sql;

import dev.whetstone.models.BaseModel;
import dev.whetstone.store.BaseModelStore;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** {@link BaseModelStore} on the {@code base_models} table. */
public final class JdbiBaseModelStore implements BaseModelStore {
    private static final String COLUMNS = "id, store_key, architecture, chat, vision, created_at";
    private static final RowMapper<BaseModel> MODEL = (rs, ctx) -> BaseModel.inStore(rs.getString("id"),
            rs.getString("store_key"), rs.getString("architecture"), rs.getBoolean("chat"), rs.getLong("created_at"),
            rs.getBoolean("vision"));

    private final Jdbi jdbi;

    public JdbiBaseModelStore(Database database) {
        this.jdbi = database.jdbi();
    }

    private static final String INSERT = "INSERT INTO base_models (" + COLUMNS + ") "
            + "VALUES (:id, :storeKey, :architecture, :chat, :vision, :createdAt)";

    /** Throws Jdbi's UnableToExecuteStatementException when the id exists. */
    @Override
    public void insert(BaseModel model) {
        if (model.storeKey() == null) throw new IllegalArgumentException("only models in the object store are recorded");
        jdbi.useHandle(h -> h.createUpdate(INSERT)
                .bind("id", model.id())
                .bind("storeKey", model.storeKey())
                .bind("architecture", model.architecture())
                .bind("chat", model.chat())
                .bind("vision", model.vision())
                .bind("createdAt", model.createdAt())
                .execute());
    }

    @Override
    public Optional<BaseModel> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM base_models WHERE id = :id")
                .bind("id", id).map(MODEL).findOne());
    }

    @Override
    public List<BaseModel> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM base_models ORDER BY id").map(MODEL).list());
    }

    @Override
    public boolean delete(String id) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM base_models WHERE id = :id").bind("id", id).execute()) > 0;
    }
}
