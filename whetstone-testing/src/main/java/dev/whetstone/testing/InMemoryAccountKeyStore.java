package dev.whetstone.testing;

import dev.whetstone.store.AccountKeyStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/** An {@link AccountKeyStore} in a map; checked by AccountKeyStoreContract like the SQL store. */
public final class InMemoryAccountKeyStore implements AccountKeyStore {
    private final Map<String, AccountKeys> keys = new HashMap<>();

    @Override
    public synchronized Optional<AccountKeys> find(String account) {
        return Optional.ofNullable(keys.get(account));
    }

    @Override
    public synchronized boolean insert(AccountKeys k) {
        return keys.putIfAbsent(k.account(), k) == null;
    }

    @Override
    public synchronized boolean replace(String account, int keyNumber, String key, long updatedAt) {
        AccountKeys old = keys.get(account);
        if (old == null) return false;
        keys.put(account, keyNumber == 1 ? new AccountKeys(account, key, old.key2(), updatedAt)
                : new AccountKeys(account, old.key1(), key, updatedAt));
        return true;
    }

    @Override
    public synchronized Optional<String> accountOf(String keySha256) {
        return keys.values().stream().filter(k -> sha256(k.key1()).equals(keySha256) || sha256(k.key2()).equals(keySha256))
                .map(AccountKeys::account).findFirst();
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
