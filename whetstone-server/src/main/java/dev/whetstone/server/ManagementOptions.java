package dev.whetstone.server;

import dev.whetstone.deployments.DeploymentLifecycle;
import java.nio.file.Path;

/**
 * What the Resource Manager side needs beyond the deployment routes: HTTPS (the Azure CLI sends bearer tokens only
 * over https), and the subscription and tenant the sign-in endpoints report (docs/deployments.md, "The real az").
 *
 * @param tlsPort      HTTPS port beside the plain one; -1: no HTTPS, 0: a free port
 * @param tlsCert      PEM certificate chain; null with {@code tlsKey} null: a certificate generated into {@code <data>/tls}
 * @param tlsKey       PEM private key of {@code tlsCert}
 * @param subscription the subscription {@code GET /subscriptions} lists and sign-ins land in
 * @param tenant       the tenant of that subscription and the {@code tid} of the tokens the service issues
 * @param lifecycle    when deployments are deleted unasked: DeveloperTier lifetime, idle limit
 * @param defaultAccount the account of data-plane requests whose credential names none (docs/deployments.md,
 *                     "Accounts"); null: {@link #defaultAccount(java.util.Set)} decides
 */
public record ManagementOptions(int tlsPort, Path tlsCert, Path tlsKey, String subscription, String tenant,
                                DeploymentLifecycle lifecycle, String defaultAccount) {
    public static final String DEFAULT_ACCOUNT = "whetstone";
    public static final String DEFAULT_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
    public static final String DEFAULT_TENANT = "00000000-0000-0000-0000-000000000000";
    public static final ManagementOptions DEFAULTS = new ManagementOptions(-1, null, null, DEFAULT_SUBSCRIPTION,
            DEFAULT_TENANT, DeploymentLifecycle.AZURE, null);

    /** Azure's deployment lifecycle. */
    public ManagementOptions(int tlsPort, Path tlsCert, Path tlsKey, String subscription, String tenant) {
        this(tlsPort, tlsCert, tlsKey, subscription, tenant, DeploymentLifecycle.AZURE, null);
    }

    /** The default account follows {@code --accounts}. */
    public ManagementOptions(int tlsPort, Path tlsCert, Path tlsKey, String subscription, String tenant,
                             DeploymentLifecycle lifecycle) {
        this(tlsPort, tlsCert, tlsKey, subscription, tenant, lifecycle, null);
    }

    public ManagementOptions {
        if (tlsPort < -1 || tlsPort > 65535) throw new IllegalArgumentException("the TLS port must be 0-65535, got " + tlsPort);
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both, or neither for a "
                    + "generated certificate");
        }
        if (tlsCert != null && tlsPort < 0) {
            throw new IllegalArgumentException("--tls-cert and --tls-key need --tls-port (the HTTPS port)");
        }
        if (subscription == null || subscription.isBlank()) subscription = DEFAULT_SUBSCRIPTION;
        if (tenant == null || tenant.isBlank()) tenant = DEFAULT_TENANT;
        if (lifecycle == null) lifecycle = DeploymentLifecycle.AZURE;
        if (defaultAccount != null && defaultAccount.isBlank()) defaultAccount = null;
    }

    public boolean tls() { return tlsPort >= 0; }

    public ManagementOptions withTlsPort(int port) {
        return new ManagementOptions(port, tlsCert, tlsKey, subscription, tenant, lifecycle, defaultAccount);
    }

    public ManagementOptions withLifecycle(DeploymentLifecycle newLifecycle) {
        return new ManagementOptions(tlsPort, tlsCert, tlsKey, subscription, tenant, newLifecycle, defaultAccount);
    }

    /**
     * The default account: the option, else {@value #DEFAULT_ACCOUNT} unless {@code --accounts} leaves it out, then
     * the alphabetically first allowed account.
     */
    public String defaultAccount(java.util.Set<String> allowedAccounts) {
        if (defaultAccount != null) return defaultAccount;
        if (allowedAccounts.isEmpty() || allowedAccounts.contains(DEFAULT_ACCOUNT)) return DEFAULT_ACCOUNT;
        return new java.util.TreeSet<>(allowedAccounts).first();
    }
}
