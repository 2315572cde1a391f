package dev.whetstone.store.sql;

import dev.whetstone.store.AccountKeyStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** {@link AccountKeyStore} on the {@code account_keys} table; lookups by the keys' SHA-256 columns. */
public final class JdbiAccountKeyStore implements AccountKeyStore {
    private final Jdbi jdbi;

    public JdbiAccountKeyStore(Database database) {
        this.jdbi = database.jdbi();
    }

    @Override
    public Optional<AccountKeys> find(String account) {
        return jdbi.withHandle(h -> h.createQuery("SELECT account, key1, key2, updated_at FROM account_keys WHERE account = :a")
                .bind("a", account)
                .map((rs, ctx) -> new AccountKeys(rs.getString("account"), rs.getString("key1"), rs.getString("key2"),
                        rs.getLong("updated_at")))
                .findOne());
    }

    @Override
    public boolean insert(AccountKeys k) {
        return jdbi.withHandle(h -> h.createUpdate("INSERT INTO account_keys (account, key1, key2, key1_sha256, key2_sha256, "
                        + "updated_at) VALUES (:a, :k1, :k2, :h1, :h2, :t) ON CONFLICT DO NOTHING")
                .bind("a", k.account()).bind("k1", k.key1()).bind("k2", k.key2())
                .bind("h1", sha256(k.key1())).bind("h2", sha256(k.key2())).bind("t", k.updatedAt()).execute()) > 0;
    }

    @Override
    public boolean replace(String account, int keyNumber, String key, long updatedAt) {
        if (keyNumber != 1 && keyNumber != 2) throw new IllegalArgumentException("key number 1 or 2, got " + keyNumber);
        String sql = "UPDATE account_keys SET key" + keyNumber + " = :k, key" + keyNumber + "_sha256 = :h, "
                + "updated_at = :t WHERE account = :a";
        return jdbi.withHandle(h -> h.createUpdate(sql).bind("k", key).bind("h", sha256(key)).bind("t", updatedAt)
                .bind("a", account).execute()) > 0;
    }

    @Override
    public Optional<String> accountOf(String keySha256) {
        return jdbi.withHandle(h -> h.createQuery("SELECT account FROM account_keys WHERE key1_sha256 = :h OR key2_sha256 = :h")
                .bind("h", keySha256).mapTo(String.class).findFirst());
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
