package dev.whetstone.deployments;

import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Accounts are namespaces of deployments, created on first use, unless the operator lists the allowed names
 * ({@code --accounts}). Names follow ARM's rule for Cognitive Services accounts (docs/reference/API.md 5.1).
 */
public final class AccountNames {
    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{1,63}");

    private final Set<String> allowed;

    /** @param allowed the only account names served; empty: any valid name */
    public AccountNames(Set<String> allowed) {
        allowed.forEach(a -> {
            if (!NAME.matcher(a).matches()) throw new IllegalArgumentException("account name '" + a + "' is invalid: "
                    + "2 to 64 characters, letters, digits, '_', '.', '-', starting with a letter or digit");
        });
        this.allowed = Set.copyOf(allowed);
    }

    /** 400 for a malformed name, 404 for one the operator did not allow. */
    public String require(String account) {
        if (account == null || !NAME.matcher(account).matches()) {
            throw ApiException.invalid("accountName", "Account name '" + account + "' is invalid: it must have 2 to 64 "
                    + "characters matching ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$.");
        }
        if (!allowed.isEmpty() && !allowed.contains(account)) {
            throw new ApiException(ErrorCode.NOT_FOUND, "Account '" + account + "' does not exist on this service; "
                    + "the operator allows: " + String.join(", ", new TreeSet<>(allowed)) + ".", "accountName");
        }
        return account;
    }

    /** Whether {@link #require} accepts the name. */
    public boolean allows(String account) { return valid(account) && (allowed.isEmpty() || allowed.contains(account)); }

    /** The names the operator allows, empty when any valid name is served. */
    public java.util.Set<String> allowed() { return allowed; }

    static boolean valid(String account) { return account != null && NAME.matcher(account).matches(); }
}
