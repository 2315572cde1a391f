package dev.whetstone.deployments;

/**
 * Which accounts a caller's credential may act on: an account key, or a token minted for one account (the
 * service's own, or one a sign-in endpoint gave for an account key), reaches only that account; every other
 * credential reaches every account (docs/security.md, "Accounts").
 *
 * @param account the one account, or null for all
 */
public record AccountScope(String account) {
    public static final AccountScope ALL = new AccountScope(null);

    public boolean mayRead(String name) { return account == null || account.equals(name); }
}
