package dev.whetstone.testing;

import dev.whetstone.store.AccountStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** An {@link AccountStore} in maps; checked by AccountStoreContract like the SQL store. */
public final class InMemoryAccountStore implements AccountStore {
    private final Map<String, Account> accounts = new TreeMap<>();
    private final Map<String, String> owners = new HashMap<>();

    @Override
    public synchronized Optional<Account> find(String name) { return Optional.ofNullable(accounts.get(name)); }

    @Override
    public synchronized boolean insert(Account account) { return accounts.putIfAbsent(account.name(), account) == null; }

    @Override
    public synchronized List<Account> all() { return List.copyOf(accounts.values()); }

    @Override
    public synchronized void setJobOwner(String jobId, String account) { owners.put(jobId, account); }

    @Override
    public synchronized Optional<String> jobOwner(String jobId) { return Optional.ofNullable(owners.get(jobId)); }
}
