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
 */
public record ManagementOptions(int tlsPort, Path tlsCert, Path tlsKey, String subscription, String tenant,
                                DeploymentLifecycle lifecycle) {
    public static final String DEFAULT_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
    public static final String DEFAULT_TENANT = "00000000-0000-0000-0000-000000000000";
    public static final ManagementOptions DEFAULTS = new ManagementOptions(-1, null, null, DEFAULT_SUBSCRIPTION,
            DEFAULT_TENANT, DeploymentLifecycle.AZURE);

    /** Azure's deployment lifecycle. */
    public ManagementOptions(int tlsPort, Path tlsCert, Path tlsKey, String subscription, String tenant) {
        this(tlsPort, tlsCert, tlsKey, subscription, tenant, DeploymentLifecycle.AZURE);
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
    }

    public boolean tls() { return tlsPort >= 0; }

    public ManagementOptions withTlsPort(int port) {
        return new ManagementOptions(port, tlsCert, tlsKey, subscription, tenant, lifecycle);
    }

    public ManagementOptions withLifecycle(DeploymentLifecycle newLifecycle) {
        return new ManagementOptions(tlsPort, tlsCert, tlsKey, subscription, tenant, newLifecycle);
    }
}
