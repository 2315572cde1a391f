package dev.whetstone.store.sql;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.whetstone.safety.RaiBlocklist;
import dev.whetstone.safety.RaiBlocklistItem;
import dev.whetstone.safety.RaiPolicy;
import dev.whetstone.store.SafetyStore;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * {@link SafetyStore} on {@code rai_policies}, {@code rai_blocklists} and {@code rai_blocklist_items}. Puts are
 * {@code INSERT … ON CONFLICT (key) DO UPDATE}, which SQLite and PostgreSQL both understand; an item write and
 * its blocklist's new etag go in one transaction.
 */
public final class JdbiSafetyStore implements SafetyStore {
    private static final TypeReference<List<RaiPolicy.Filter>> FILTERS = new TypeReference<>() {};
    private static final TypeReference<List<RaiPolicy.BlocklistRef>> REFS = new TypeReference<>() {};

    private static final RowMapper<RaiPolicy> POLICY = (rs, ctx) -> new RaiPolicy(rs.getString("account"),
            rs.getString("name"), rs.getString("mode"), rs.getString("base_policy_name"),
            JsonColumns.read(rs.getString("content_filters"), FILTERS, "rai_policies.content_filters"),
            JsonColumns.read(rs.getString("custom_blocklists"), REFS, "rai_policies.custom_blocklists"),
            JsonColumns.read(rs.getString("classifiers"), RaiPolicy.Classifiers.class, "rai_policies.classifiers"),
            rs.getLong("created_at"), rs.getLong("updated_at"), rs.getString("etag"));
    private static final RowMapper<RaiBlocklist> BLOCKLIST = (rs, ctx) -> new RaiBlocklist(rs.getString("account"),
            rs.getString("name"), rs.getString("description"), rs.getLong("created_at"), rs.getLong("updated_at"),
            rs.getString("etag"));
    private static final RowMapper<RaiBlocklistItem> ITEM = (rs, ctx) -> new RaiBlocklistItem(rs.getString("account"),
            rs.getString("blocklist"), rs.getString("name"), rs.getString("pattern"), rs.getBoolean("is_regex"),
            rs.getLong("created_at"), rs.getLong("updated_at"), rs.getString("etag"));

    private final Jdbi jdbi;

    public JdbiSafetyStore(Database database) {
        this.jdbi = database.jdbi();
    }

    @Override
    public Optional<RaiPolicy> policy(String account, String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM rai_policies WHERE account = :account AND name = :name")
                .bind("account", account).bind("name", name).map(POLICY).findOne());
    }

    @Override
    public List<RaiPolicy> policies(String account) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM rai_policies WHERE account = :account ORDER BY name")
                .bind("account", account).map(POLICY).list());
    }

    private static final String PUT_POLICY = "INSERT INTO rai_policies (account, name, mode, base_policy_name, "
            + "content_filters, custom_blocklists, classifiers, created_at, updated_at, etag) VALUES (:account, :name, "
            + ":mode, :base, :filters, :lists, :classifiers, :created, :updated, :etag) ON CONFLICT (account, name) DO "
            + "UPDATE SET mode = excluded.mode, base_policy_name = excluded.base_policy_name, content_filters = "
            + "excluded.content_filters, custom_blocklists = excluded.custom_blocklists, classifiers = "
            + "excluded.classifiers, updated_at = excluded.updated_at, etag = excluded.etag";

    @Override
    public void putPolicy(RaiPolicy p) {
        jdbi.useHandle(h -> h.createUpdate(PUT_POLICY).bind("account", p.account()).bind("name", p.name())
                .bind("mode", p.mode()).bind("base", p.basePolicyName())
                .bind("filters", JsonColumns.write(p.contentFilters()))
                .bind("lists", JsonColumns.write(p.customBlocklists()))
                .bind("classifiers", JsonColumns.write(p.classifiers()))
                .bind("created", p.createdAt()).bind("updated", p.updatedAt()).bind("etag", p.etag()).execute());
    }

    @Override
    public boolean deletePolicy(String account, String name) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM rai_policies WHERE account = :account AND name = :name")
                .bind("account", account).bind("name", name).execute()) > 0;
    }

    @Override
    public Optional<RaiBlocklist> blocklist(String account, String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM rai_blocklists WHERE account = :account AND name = :name")
                .bind("account", account).bind("name", name).map(BLOCKLIST).findOne());
    }

    @Override
    public List<RaiBlocklist> blocklists(String account) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM rai_blocklists WHERE account = :account ORDER BY name")
                .bind("account", account).map(BLOCKLIST).list());
    }

    private static final String PUT_BLOCKLIST = "INSERT INTO rai_blocklists (account, name, description, created_at, "
            + "updated_at, etag) VALUES (:account, :name, :description, :created, :updated, :etag) ON CONFLICT "
            + "(account, name) DO UPDATE SET description = excluded.description, updated_at = excluded.updated_at, "
            + "etag = excluded.etag";

    @Override
    public void putBlocklist(RaiBlocklist b) {
        jdbi.useHandle(h -> h.createUpdate(PUT_BLOCKLIST).bind("account", b.account()).bind("name", b.name())
                .bind("description", b.description()).bind("created", b.createdAt()).bind("updated", b.updatedAt())
                .bind("etag", b.etag()).execute());
    }

    @Override
    public boolean deleteBlocklist(String account, String name) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("DELETE FROM rai_blocklist_items WHERE account = :account AND blocklist = :name")
                    .bind("account", account).bind("name", name).execute();
            return h.createUpdate("DELETE FROM rai_blocklists WHERE account = :account AND name = :name")
                    .bind("account", account).bind("name", name).execute() > 0;
        });
    }

    @Override
    public Optional<RaiBlocklistItem> item(String account, String blocklist, String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM rai_blocklist_items WHERE account = :account AND "
                        + "blocklist = :blocklist AND name = :name")
                .bind("account", account).bind("blocklist", blocklist).bind("name", name).map(ITEM).findOne());
    }

    @Override
    public List<RaiBlocklistItem> items(String account, String blocklist) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM rai_blocklist_items WHERE account = :account AND "
                        + "blocklist = :blocklist ORDER BY name")
                .bind("account", account).bind("blocklist", blocklist).map(ITEM).list());
    }

    private static final String TOUCH_BLOCKLIST = "UPDATE rai_blocklists SET etag = :etag, updated_at = :now "
            + "WHERE account = :account AND name = :name";
    private static final String PUT_ITEM = "INSERT INTO rai_blocklist_items (account, blocklist, name, pattern, "
            + "is_regex, created_at, updated_at, etag) VALUES (:account, :blocklist, :name, :pattern, :regex, :created, "
            + ":updated, :etag) ON CONFLICT (account, blocklist, name) DO UPDATE SET pattern = excluded.pattern, "
            + "is_regex = excluded.is_regex, updated_at = excluded.updated_at, etag = excluded.etag";

    @Override
    public boolean putItem(RaiBlocklistItem i, String blocklistEtag, long now) {
        return jdbi.inTransaction(h -> {
            // Touching the blocklist first takes its row lock, so a concurrent delete of the list waits or wins.
            int touched = h.createUpdate(TOUCH_BLOCKLIST).bind("etag", blocklistEtag).bind("now", now)
                    .bind("account", i.account()).bind("name", i.blocklist()).execute();
            if (touched == 0) return false;
            h.createUpdate(PUT_ITEM).bind("account", i.account()).bind("blocklist", i.blocklist())
                    .bind("name", i.name()).bind("pattern", i.pattern()).bind("regex", i.regex())
                    .bind("created", i.createdAt()).bind("updated", i.updatedAt()).bind("etag", i.etag()).execute();
            return true;
        });
    }

    @Override
    public boolean deleteItem(String account, String blocklist, String name, String blocklistEtag, long now) {
        return jdbi.inTransaction(h -> {
            int deleted = h.createUpdate("DELETE FROM rai_blocklist_items WHERE account = :account AND "
                            + "blocklist = :blocklist AND name = :name")
                    .bind("account", account).bind("blocklist", blocklist).bind("name", name).execute();
            if (deleted > 0) {
                h.createUpdate(TOUCH_BLOCKLIST).bind("etag", blocklistEtag).bind("now", now)
                        .bind("account", account).bind("name", blocklist).execute();
            }
            return deleted > 0;
        });
    }
}
