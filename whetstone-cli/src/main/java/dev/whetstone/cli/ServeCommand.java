package dev.whetstone.cli;

import dev.whetstone.deployments.DeploymentLifecycle;
import dev.whetstone.server.AccessOptions;
import dev.whetstone.server.ManagementOptions;
import dev.whetstone.server.auth.Role;
import dev.whetstone.server.auth.ServiceSecrets;
import dev.whetstone.server.ServingOptions;
import dev.whetstone.server.ServerConfig;
import dev.whetstone.server.WhetstoneServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code whetstone serve}: the HTTP API with its stores; runs until SIGTERM/SIGINT, then shuts down cleanly. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start the service. Every option can also be set as an environment variable WHETSTONE_<NAME>.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    StorageOptions storage = new StorageOptions();

    @Mixin
    SafetyOptions safety = new SafetyOptions();

    @Option(names = "--host", defaultValue = "${env:WHETSTONE_HOST:-127.0.0.1}", description = "Address to bind (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "${env:WHETSTONE_PORT:-8080}", description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--api-key", defaultValue = "${env:WHETSTONE_API_KEY}", description = "API key clients must send; default a key generated on first start and kept in the database (every replica accepts it).")
    String apiKey;

    @Option(names = "--token-secret", defaultValue = "${env:WHETSTONE_TOKEN_SECRET}",
            description = "Secret (hex, at least 32 bytes: `openssl rand -hex 32`) that signs and checks the service's bearer tokens; default one generated on first start and kept in the database.")
    String tokenSecret;

    @Option(names = "--model-alias", split = ",", defaultValue = "${env:WHETSTONE_MODEL_ALIAS}",
            description = "NAME=MODEL, repeatable: lets clients that hard-code a model name (gpt-35-turbo-0613) reach a local model.")
    List<String> modelAliases;

    @Option(names = "--max-upload-mb", defaultValue = "${env:WHETSTONE_MAX_UPLOAD_MB:-512}", description = "Largest accepted file, in MB (default ${DEFAULT-VALUE}).")
    long maxUploadMb;

    @Option(names = "--import-allow-private", defaultValue = "${env:WHETSTONE_IMPORT_ALLOW_PRIVATE:-false}",
            description = "Allow /files/import from private and loopback addresses (default ${DEFAULT-VALUE}).")
    boolean importAllowPrivate;

    @Option(names = "--workers", defaultValue = "${env:WHETSTONE_WORKERS:-1}",
            description = "Training workers in this process (default ${DEFAULT-VALUE}; 0 = API only, `whetstone worker` trains).")
    int workers;

    @Option(names = "--max-active-jobs", defaultValue = "${env:WHETSTONE_MAX_ACTIVE_JOBS:-20}",
            description = "Unfinished fine-tuning jobs allowed at once; more is 429 quotaExceeded (default ${DEFAULT-VALUE}).")
    int maxActiveJobs;

    @Option(names = "--inference-key", split = ",", defaultValue = "${env:WHETSTONE_INFERENCE_KEY}",
            description = "Repeatable: keys that may call only chat/completions and completions (403 elsewhere).")
    List<String> inferenceKeys;

    @Option(names = "--role-key", split = ",", defaultValue = "${env:WHETSTONE_ROLE_KEY}",
            description = "Repeatable: ROLE=KEY, an API key with one of the roles reader, openai-user, openai-contributor, "
                    + "contributor, inference, admin (docs/security.md).")
    List<String> roleKeys;

    @Option(names = "--oidc-issuer", defaultValue = "${env:WHETSTONE_OIDC_ISSUER}",
            description = "Accept bearer tokens of this OpenID Connect issuer (its iss; discovery and JWKS are fetched from it).")
    String oidcIssuer;

    @Option(names = "--oidc-audience", defaultValue = "${env:WHETSTONE_OIDC_AUDIENCE}",
            description = "The aud the issuer's tokens must carry (this service's application id); required with --oidc-issuer.")
    String oidcAudience;

    @Option(names = "--oidc-roles-claim", defaultValue = "${env:WHETSTONE_OIDC_ROLES_CLAIM:-roles}",
            description = "The claim holding the roles (a dotted path such as realm_access.roles; default ${DEFAULT-VALUE}).")
    String oidcRolesClaim;

    @Option(names = "--oidc-clock-skew-seconds", defaultValue = "${env:WHETSTONE_OIDC_CLOCK_SKEW_SECONDS:-60}",
            description = "Tolerance for exp and nbf of the issuer's tokens (default ${DEFAULT-VALUE}).")
    long oidcSkewSeconds;

    @Option(names = "--accounts", split = ",", defaultValue = "${env:WHETSTONE_ACCOUNTS}",
            description = "The only account names deployments may use (comma-separated); default: any, created on first use.")
    List<String> accounts;

    @Option(names = "--default-account", defaultValue = "${env:WHETSTONE_DEFAULT_ACCOUNT}",
            description = "The account that owns what keys and tokens of no particular account fine-tune (default: whetstone, "
                    + "or the alphabetically first of --accounts when they leave it out).")
    String defaultAccount;

    @Option(names = "--inference-max-batch", defaultValue = "${env:WHETSTONE_INFERENCE_MAX_BATCH:-8}",
            description = "Sequences decoded together per loaded base model (default ${DEFAULT-VALUE}).")
    int inferenceMaxBatch;

    @Option(names = "--inference-max-waiting", defaultValue = "${env:WHETSTONE_INFERENCE_MAX_WAITING:-64}",
            description = "Generations queued per base model before requests get 429 (default ${DEFAULT-VALUE}).")
    int inferenceMaxWaiting;

    @Option(names = "--inference-timeout-seconds", defaultValue = "${env:WHETSTONE_INFERENCE_TIMEOUT_SECONDS:-600}",
            description = "A chat or completion request unfinished after this long ends with 503 (default ${DEFAULT-VALUE}).")
    long inferenceTimeoutSeconds;

    @Option(names = "--inference-weights", defaultValue = "${env:WHETSTONE_INFERENCE_WEIGHTS:-fp32}",
            description = "Format base weights are served in: fp32, bf16 or int8 (weight-only; default ${DEFAULT-VALUE}).")
    String inferenceWeights;

    @Option(names = "--tls-port", defaultValue = "${env:WHETSTONE_TLS_PORT:--1}",
            description = "Also serve HTTPS on this port (0 picks a free one; default: no HTTPS). The Azure CLI needs it.")
    int tlsPort;

    @Option(names = "--tls-cert", defaultValue = "${env:WHETSTONE_TLS_CERT}",
            description = "PEM certificate chain for HTTPS; default: one generated into <data>/tls on first start.")
    Path tlsCert;

    @Option(names = "--tls-key", defaultValue = "${env:WHETSTONE_TLS_KEY}",
            description = "PEM private key of --tls-cert (PKCS#8, RSA or EC, unencrypted).")
    Path tlsKey;

    @Option(names = "--subscription-id", defaultValue = "${env:WHETSTONE_SUBSCRIPTION_ID:-"
            + ManagementOptions.DEFAULT_SUBSCRIPTION + "}",
            description = "The subscription that GET /subscriptions lists for Azure CLI sign-ins (default ${DEFAULT-VALUE}).")
    String subscriptionId;

    @Option(names = "--tenant-id", defaultValue = "${env:WHETSTONE_TENANT_ID:-" + ManagementOptions.DEFAULT_TENANT + "}",
            description = "The tenant of that subscription and of the tokens the sign-in endpoint issues (default ${DEFAULT-VALUE}).")
    String tenantId;

    @Option(names = "--developer-tier-hours", defaultValue = "${env:WHETSTONE_DEVELOPER_TIER_HOURS:-24}",
            description = "Hours after its creation a sku DeveloperTier deployment is deleted (default ${DEFAULT-VALUE}, as Azure).")
    double developerTierHours;

    @Option(names = "--deployment-idle-days", defaultValue = "${env:WHETSTONE_DEPLOYMENT_IDLE_DAYS:-15}",
            description = "Days without inference after which a deployment is deleted; 0: never (default ${DEFAULT-VALUE}, as Azure).")
    double deploymentIdleDays;

    @Option(names = "--drain-seconds", defaultValue = "${env:WHETSTONE_DRAIN_SECONDS:-30}",
            description = "On SIGTERM, how long in-flight requests and streams may take to finish while new inference "
                    + "gets 503 (default ${DEFAULT-VALUE}).")
    long drainSeconds;

    @Override
    public Integer call() throws Exception {
        if (drainSeconds < 0) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--drain-seconds must be 0 or more, got " + drainSeconds);
        }
        Shutdown.closeOnSignal(WhetstoneServer.start(config(), Duration.ofSeconds(drainSeconds)));
        return 0;
    }

    /** The configuration the options and environment describe. */
    ServerConfig config() {
        return new ServerConfig(host, port, storage.data, storage.dbOrNull(), storage.modelsDir,
                apiKey == null || apiKey.isBlank() ? Set.of() : Set.of(apiKey.strip()), aliases(),
                maxUploadMb * 1024 * 1024, importAllowPrivate, Duration.ofMinutes(10), storage.demoModels,
                workers, maxActiveJobs, Duration.ofSeconds(storage.workerLeaseSeconds),
                access(),
                new ServingOptions(inferenceMaxBatch, inferenceMaxWaiting, Duration.ofSeconds(inferenceTimeoutSeconds),
                        inferenceWeights),
                safety.settings(), management(), storage.s3OrNull(this),
                storage.artifactOptions());
    }

    private AccessOptions access() {
        java.util.Map<Role, Set<String>> byRole = new java.util.EnumMap<>(Role.class);
        for (String entry : roleKeys == null ? List.<String>of() : roleKeys) {
            if (entry.isBlank()) continue;
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.strip().length() - 1) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                        "--role-key expects ROLE=KEY, got '" + entry.strip() + "'");
            }
            Role role;
            try {
                role = Role.fromWire(entry.substring(0, eq));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--role-key: " + e.getMessage());
            }
            byRole.computeIfAbsent(role, r -> new java.util.HashSet<>()).add(entry.substring(eq + 1).strip());
        }
        AccessOptions.Oidc oidc = null;
        if (oidcIssuer != null && !oidcIssuer.isBlank()) {
            if (oidcAudience == null || oidcAudience.isBlank()) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                        "--oidc-issuer needs --oidc-audience (the aud its tokens carry for this service)");
            }
            oidc = new AccessOptions.Oidc(oidcIssuer.strip(), oidcAudience.strip(), oidcRolesClaim,
                    Duration.ofSeconds(oidcSkewSeconds));
        }
        String secret = null;
        if (tokenSecret != null && !tokenSecret.isBlank()) {
            try {
                ServiceSecrets.parseSecret(tokenSecret, "--token-secret");
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), e.getMessage());
            }
            secret = tokenSecret.strip();
        }
        return new AccessOptions(nonBlank(inferenceKeys), nonBlank(accounts), byRole, oidc, secret);
    }

    private ManagementOptions management() {
        try {
            DeploymentLifecycle lifecycle = new DeploymentLifecycle(seconds(developerTierHours * 3600, "--developer-tier-hours"),
                    seconds(deploymentIdleDays * 86400, "--deployment-idle-days"), DeploymentLifecycle.AZURE.sweepEvery());
            return new ManagementOptions(tlsPort, tlsCert, tlsKey, subscriptionId, tenantId, lifecycle, defaultAccount);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), e.getMessage());
        }
    }

    private static Duration seconds(double value, String option) {
        if (!(value >= 0) || Double.isInfinite(value)) throw new IllegalArgumentException(option + " must be 0 or more, got " + value);
        return Duration.ofMillis(Math.round(value * 1000));
    }

    private static Set<String> nonBlank(List<String> values) {
        if (values == null) return Set.of();
        return values.stream().map(String::strip).filter(v -> !v.isEmpty()).collect(java.util.stream.Collectors.toSet());
    }

    private Map<String, String> aliases() {
        Map<String, String> out = new LinkedHashMap<>();
        if (modelAliases == null) return out;
        for (String a : modelAliases) {
            if (a.isBlank()) continue;
            int eq = a.indexOf('=');
            if (eq <= 0 || eq == a.length() - 1) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                        "--model-alias expects NAME=MODEL, got '" + a + "'");
            }
            out.put(a.substring(0, eq).strip(), a.substring(eq + 1).strip());
        }
        return out;
    }

}
