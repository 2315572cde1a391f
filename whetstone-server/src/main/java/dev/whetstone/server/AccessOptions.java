package dev.whetstone.server;

import java.util.Set;

/**
 * Who may do what beyond the admin API keys.
 *
 * @param inferenceKeys keys limited to the inference endpoints (chat/completions, completions); 403 elsewhere
 * @param accounts      the only account names deployments may use; empty: any valid name, created on first use
 */
public record AccessOptions(Set<String> inferenceKeys, Set<String> accounts) {
    public static final AccessOptions NONE = new AccessOptions(Set.of(), Set.of());

    public AccessOptions {
        inferenceKeys = Set.copyOf(inferenceKeys);
        accounts = Set.copyOf(accounts);
    }
}
