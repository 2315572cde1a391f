package dev.whetstone.testing;

import dev.whetstone.store.ServiceSecretStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A {@link ServiceSecretStore} in a map; checked by ServiceSecretStoreContract like the SQL store. */
public final class InMemoryServiceSecretStore implements ServiceSecretStore {
    private final Map<String, String> secrets = new HashMap<>();

    @Override
    public synchronized Optional<String> find(String name) {
        return Optional.ofNullable(secrets.get(name));
    }

    @Override
    public synchronized boolean insert(String name, String value, long createdAt) {
        return secrets.putIfAbsent(name, value) == null;
    }
}
