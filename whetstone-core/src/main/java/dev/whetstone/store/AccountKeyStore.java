package dev.whetstone.store;

import java.util.Optional;

/**
 * The two keys of each account (ARM listKeys / regenerateKey). Keys are looked up by their SHA-256 so that a
 * request's key is matched as a digest; the keys themselves are kept because listKeys shows them.
 */
public interface AccountKeyStore {
    /** An account's keys; {@code updatedAt} epoch seconds. */
    record AccountKeys(String account, String key1, String key2, long updatedAt) {}

    Optional<AccountKeys> find(String account);

    /** Stores the account's first keys; false (nothing changed) when it has keys already. */
    boolean insert(AccountKeys keys);

    /** Replaces key 1 or 2 of an account that has keys; false when it has none. */
    boolean replace(String account, int keyNumber, String key, long updatedAt);

    /** The account whose key1 or key2 has this SHA-256 (hex, lower case). */
    Optional<String> accountOf(String keySha256);
}
