package dev.whetstone.server.auth;

import dev.whetstone.store.AccountKeyStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Two keys per account, like an Azure resource's key1 and key2 (docs/security.md): 32 hex characters from a secure
 * random source, created on the account's first listKeys, replaced one at a time so that clients can move to the
 * other key first. A request's key is matched by its SHA-256 in the store, so every replica sees a regeneration at
 * once.
 */
public final class AccountKeys {
    /** What an account key may do: the whole data plane and reading the resource, not managing it. */
    public static final Role ROLE = Role.OPENAI_CONTRIBUTOR;

    private final AccountKeyStore store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public AccountKeys(AccountKeyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The account's keys, created now when it has none. */
    public AccountKeyStore.AccountKeys list(String account) {
        Optional<AccountKeyStore.AccountKeys> found = store.find(account);
        if (found.isPresent()) return found.get();
        store.insert(new AccountKeyStore.AccountKeys(account, newKey(), newKey(), clock.instant().getEpochSecond()));
        return store.find(account).orElseThrow(); // another replica may have created them first: theirs count
    }

    /** Replaces key 1 or 2 and answers both. */
    public AccountKeyStore.AccountKeys regenerate(String account, int keyNumber) {
        list(account);
        store.replace(account, keyNumber, newKey(), clock.instant().getEpochSecond());
        return store.find(account).orElseThrow();
    }

    /** The account whose key this is. */
    public Optional<String> accountOf(String presented) {
        if (presented.length() != 32) return Optional.empty(); // not the shape of an account key: no database read
        return store.accountOf(sha256(presented));
    }

    private String newKey() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
