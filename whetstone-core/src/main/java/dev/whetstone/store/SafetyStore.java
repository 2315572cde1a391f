package dev.whetstone.store;

import dev.whetstone.safety.RaiBlocklist;
import dev.whetstone.safety.RaiBlocklistItem;
import dev.whetstone.safety.RaiPolicy;
import java.util.List;
import java.util.Optional;

/**
 * Content filtering policies, blocklists and their items, each keyed by account and name. Puts replace the whole
 * record (create or update); lists are ordered by name.
 */
public interface SafetyStore {
    Optional<RaiPolicy> policy(String account, String name);

    List<RaiPolicy> policies(String account);

    void putPolicy(RaiPolicy policy);

    boolean deletePolicy(String account, String name);

    Optional<RaiBlocklist> blocklist(String account, String name);

    List<RaiBlocklist> blocklists(String account);

    void putBlocklist(RaiBlocklist blocklist);

    /** Deletes the blocklist and all its items together. */
    boolean deleteBlocklist(String account, String name);

    Optional<RaiBlocklistItem> item(String account, String blocklist, String name);

    List<RaiBlocklistItem> items(String account, String blocklist);

    /**
     * Stores the item and sets its blocklist's etag and update time together, so a compiled blocklist keyed by
     * the etag is rebuilt; false (nothing stored) when the blocklist does not exist.
     */
    boolean putItem(RaiBlocklistItem item, String blocklistEtag, long now);

    /** Removes the item and sets its blocklist's etag, together; false when there was no such item. */
    boolean deleteItem(String account, String blocklist, String name, String blocklistEtag, long now);
}
