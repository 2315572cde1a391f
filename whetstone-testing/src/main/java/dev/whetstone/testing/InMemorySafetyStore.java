package dev.whetstone.testing;

import dev.whetstone.safety.RaiBlocklist;
import dev.whetstone.safety.RaiBlocklistItem;
import dev.whetstone.safety.RaiPolicy;
import dev.whetstone.store.SafetyStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A {@link SafetyStore} in sorted maps keyed "account/name". Checked by SafetyStoreContract like the SQL store. */
public final class InMemorySafetyStore implements SafetyStore {
    private final Map<String, RaiPolicy> policies = new TreeMap<>();
    private final Map<String, RaiBlocklist> blocklists = new TreeMap<>();
    private final Map<String, RaiBlocklistItem> items = new TreeMap<>();

    private static String key(String... parts) { return String.join("\u0000", parts); }

    @Override
    public synchronized Optional<RaiPolicy> policy(String account, String name) {
        return Optional.ofNullable(policies.get(key(account, name)));
    }

    @Override
    public synchronized List<RaiPolicy> policies(String account) {
        return policies.values().stream().filter(p -> p.account().equals(account)).toList();
    }

    @Override
    public synchronized void putPolicy(RaiPolicy policy) {
        RaiPolicy old = policies.get(key(policy.account(), policy.name()));
        policies.put(key(policy.account(), policy.name()), old == null ? policy : new RaiPolicy(policy.account(),
                policy.name(), policy.mode(), policy.basePolicyName(), policy.contentFilters(), policy.customBlocklists(),
                policy.classifiers(), old.createdAt(), policy.updatedAt(), policy.etag()));
    }

    @Override
    public synchronized boolean deletePolicy(String account, String name) {
        return policies.remove(key(account, name)) != null;
    }

    @Override
    public synchronized Optional<RaiBlocklist> blocklist(String account, String name) {
        return Optional.ofNullable(blocklists.get(key(account, name)));
    }

    @Override
    public synchronized List<RaiBlocklist> blocklists(String account) {
        return blocklists.values().stream().filter(b -> b.account().equals(account)).toList();
    }

    @Override
    public synchronized void putBlocklist(RaiBlocklist b) {
        RaiBlocklist old = blocklists.get(key(b.account(), b.name()));
        blocklists.put(key(b.account(), b.name()), old == null ? b
                : new RaiBlocklist(b.account(), b.name(), b.description(), old.createdAt(), b.updatedAt(), b.etag()));
    }

    @Override
    public synchronized boolean deleteBlocklist(String account, String name) {
        items.values().removeIf(i -> i.account().equals(account) && i.blocklist().equals(name));
        return blocklists.remove(key(account, name)) != null;
    }

    @Override
    public synchronized Optional<RaiBlocklistItem> item(String account, String blocklist, String name) {
        return Optional.ofNullable(items.get(key(account, blocklist, name)));
    }

    @Override
    public synchronized List<RaiBlocklistItem> items(String account, String blocklist) {
        return items.values().stream().filter(i -> i.account().equals(account) && i.blocklist().equals(blocklist)).toList();
    }

    @Override
    public synchronized boolean putItem(RaiBlocklistItem item, String blocklistEtag, long now) {
        if (!touch(item.account(), item.blocklist(), blocklistEtag, now)) return false;
        RaiBlocklistItem old = items.get(key(item.account(), item.blocklist(), item.name()));
        items.put(key(item.account(), item.blocklist(), item.name()), old == null ? item
                : new RaiBlocklistItem(item.account(), item.blocklist(), item.name(), item.pattern(), item.regex(),
                old.createdAt(), item.updatedAt(), item.etag()));
        return true;
    }

    @Override
    public synchronized boolean deleteItem(String account, String blocklist, String name, String blocklistEtag, long now) {
        if (items.remove(key(account, blocklist, name)) == null) return false;
        touch(account, blocklist, blocklistEtag, now);
        return true;
    }

    private boolean touch(String account, String blocklist, String etag, long now) {
        RaiBlocklist b = blocklists.get(key(account, blocklist));
        if (b == null) return false;
        blocklists.put(key(account, blocklist), new RaiBlocklist(account, blocklist, b.description(), b.createdAt(), now, etag));
        return true;
    }
}
