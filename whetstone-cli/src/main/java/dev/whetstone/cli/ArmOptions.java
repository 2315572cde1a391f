package dev.whetstone.cli;

import dev.whetstone.server.auth.Role;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where the service is, how to authenticate, and which account: the Azure CLI's flags where it has them. */
final class ArmOptions {
    @Option(names = "--endpoint", defaultValue = "${env:WHETSTONE_ENDPOINT:-http://127.0.0.1:8080}",
            description = "Service URL (default ${DEFAULT-VALUE}).")
    String endpoint;

    @Option(names = "--token", defaultValue = "${env:WHETSTONE_TOKEN}",
            description = "Bearer token (`whetstone token`); default WHETSTONE_TOKEN, else one minted from --data.")
    String token;

    @Option(names = "--data", defaultValue = "${env:WHETSTONE_DATA:-./data}",
            description = "The server's data folder: when no token is given, one is signed with the secret in its database (default ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--db", defaultValue = "${env:WHETSTONE_DB}",
            description = "The server's JDBC URL (as `serve --db`), when it is not the SQLite file in --data.")
    String db;

    @Option(names = "--subscription", defaultValue = "00000000-0000-0000-0000-000000000000",
            description = "Subscription id; any value is accepted (default ${DEFAULT-VALUE}).")
    String subscription;

    @Option(names = {"--resource-group", "-g"}, defaultValue = "whetstone",
            description = "Resource group; any name is accepted (default ${DEFAULT-VALUE}).")
    String resourceGroup;

    @Option(names = {"--name", "-n"}, defaultValue = "whetstone",
            description = "Account (the Azure OpenAI resource name): a namespace of deployments (default ${DEFAULT-VALUE}).")
    String account;

    String deploymentsPath() {
        return "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.CognitiveServices/accounts/" + account + "/deployments";
    }

    ArmClient client() throws IOException {
        return new ArmClient(endpoint, credential());
    }

    /** The given token; else a short-lived one signed with the secret in the service's database; else none. */
    String credential() throws IOException {
        if (token != null && !token.isBlank()) return token.strip();
        if (!ServiceDatabase.exists(data, db)) return null;
        return ServiceDatabase.tokens(data, db, Clock.systemUTC()).mint(Role.ADMIN, Duration.ofMinutes(30));
    }
}
