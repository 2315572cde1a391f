package dev.whetstone.cli;

import dev.whetstone.server.auth.AccessTokens;
import dev.whetstone.server.auth.Role;
import dev.whetstone.server.auth.ServiceSecrets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code whetstone token}: a bearer token for the Resource Manager calls (deployments) of the service using a
 * database, signed with the secret every replica reads there (or the one given with --token-secret). The token
 * alone is the last line of stdout: {@code | tail -1}.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Print a bearer token for the service that uses --db or --data (the token alone on the last line).")
final class TokenCommand implements Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})([smhd])");

    @Option(names = "--data", defaultValue = "${env:WHETSTONE_DATA:-./data}",
            description = "The service's data folder (default ${DEFAULT-VALUE}): its SQLite database when --db is not given.")
    Path data;

    @Option(names = "--db", defaultValue = "${env:WHETSTONE_DB}",
            description = "The service's JDBC URL (as `serve --db`); the token secret is read there, created if missing.")
    String db;

    @Option(names = "--token-secret", defaultValue = "${env:WHETSTONE_TOKEN_SECRET}",
            description = "The secret the service was given with `serve --token-secret` (hex); then no database is read.")
    String tokenSecret;

    @Option(names = "--role", defaultValue = "admin",
            description = "admin (every route), openai-contributor, openai-user, contributor, reader (the Azure roles, "
                    + "docs/security.md) or inference (only chat/completions and completions); default ${DEFAULT-VALUE}.")
    String role;

    @Option(names = "--account", defaultValue = "${env:WHETSTONE_ACCOUNT}",
            description = "Limit the token to this account: other accounts' Resource Manager paths answer 403, and a "
                    + "deploy can name only it as properties.model.source (docs/security.md, \"Accounts\"); default: "
                    + "every account.")
    String account;

    @Option(names = "--expires", defaultValue = "1h", description = "Lifetime: N followed by s, m, h or d (default ${DEFAULT-VALUE}).")
    String expires;

    @Override
    public Integer call() throws Exception {
        Role r;
        try {
            r = Role.fromWire(role);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--role: " + e.getMessage());
        }
        Duration ttl = lifetime(expires);
        if (account != null && !new dev.whetstone.deployments.AccountNames(java.util.Set.of()).allows(account)) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--account '" + account
                    + "' is not an account name: 2 to 64 characters matching ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$");
        }
        AccessTokens tokens;
        String service;
        if (tokenSecret != null && !tokenSecret.isBlank()) {
            try {
                tokens = new AccessTokens(ServiceSecrets.parseSecret(tokenSecret, "--token-secret"), Clock.systemUTC());
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), e.getMessage());
            }
            service = "with that --token-secret";
        } else {
            tokens = ServiceDatabase.tokens(data, db, Clock.systemUTC());
            service = db != null && !db.isBlank() ? "using its --db" : "using " + data.toAbsolutePath().normalize();
        }
        String token = tokens.mint(r, ttl, null, null, account);
        System.out.println("Bearer token (role " + r.wireName() + (account == null ? "" : ", account " + account)
                + ", expires " + Instant.now().plus(ttl).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + ") for the service " + service + ":");
        System.out.println(token);
        return 0;
    }

    Duration lifetime(String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--expires expects a positive number followed by s, m, h or d (e.g. 30m, 1h, 7d), got '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
