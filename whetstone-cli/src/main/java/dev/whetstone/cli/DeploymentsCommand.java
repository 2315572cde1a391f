package dev.whetstone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code whetstone deployments …}: deployments of a running service over its Resource Manager API, with the flags
 * of {@code az cognitiveservices account deployment}.
 */
@Command(name = "deployments", mixinStandardHelpOptions = true, description = "Deployments of a running service.",
        subcommands = {DeploymentsCommand.Create.class, DeploymentsCommand.ListDeployments.class,
                DeploymentsCommand.Show.class, DeploymentsCommand.Delete.class})
final class DeploymentsCommand {
    static final ObjectMapper JSON = new ObjectMapper();

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create or update a deployment and wait until it serves. Exit code 0: Succeeded; 1: Failed; 3: the service refused or could not be asked.")
    static final class Create implements Callable<Integer> {
        @Mixin ArmOptions arm;

        @Option(names = "--deployment-name", required = true, description = "Name inference URLs use.") String name;

        @Option(names = "--model-name", required = true,
                description = "Base model, fine-tuned model id, or checkpoint id (ftchkpt-…) or name (…:ckpt-step-N).")
        String model;

        @Option(names = "--model-version", defaultValue = "1", description = "Default ${DEFAULT-VALUE}.") String version;

        @Option(names = "--model-format", defaultValue = "OpenAI", description = "Default ${DEFAULT-VALUE}.") String format;

        @Option(names = "--model-source", description = "ARM id of the account holding the model (cross-resource).")
        String source;

        @Option(names = "--sku-name", defaultValue = "Standard", description = "Standard or GlobalStandard (default ${DEFAULT-VALUE}).")
        String sku;

        @Option(names = "--sku-capacity", defaultValue = "1",
                description = "N allows N × 1000 tokens and N × 6 requests per minute (default ${DEFAULT-VALUE}).")
        int capacity;

        @Option(names = "--no-wait", description = "Return once accepted, without waiting for Succeeded.") boolean noWait;

        @Option(names = "--timeout-seconds", defaultValue = "600", description = "Longest wait (default ${DEFAULT-VALUE}).")
        long timeoutSeconds;

        @Override
        public Integer call() throws Exception {
            ArmClient client = arm.client();
            ServiceHttp.Reply reply = client.send("PUT", arm.deploymentsPath() + "/" + name, body());
            System.out.println((reply.status() == 201 ? "Created" : "Updated") + " deployment " + name + " in account "
                    + arm.account + ": " + state(reply.body()));
            if (noWait) return 0;
            JsonNode d = waitForTerminal(client, Duration.ofSeconds(timeoutSeconds));
            String state = state(d);
            String error = d.path("properties").path("error").path("message").asText("");
            System.out.println("Deployment " + name + " " + state + (error.isEmpty() ? "" : ": " + error)
                    + " (model " + d.path("properties").path("model").path("name").asText() + ")");
            return state.equals("Succeeded") ? 0 : 1;
        }

        private String body() {
            ObjectNode root = JSON.createObjectNode();
            ObjectNode s = root.putObject("sku");
            s.put("name", sku);
            s.put("capacity", capacity);
            ObjectNode m = root.putObject("properties").putObject("model");
            m.put("format", format);
            m.put("name", model);
            m.put("version", version);
            if (source != null) m.put("source", source);
            return root.toString();
        }

        private JsonNode waitForTerminal(ArmClient client, Duration timeout) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                JsonNode d = client.send("GET", arm.deploymentsPath() + "/" + name, null).body();
                String state = state(d);
                if (!state.equals("Creating") && !state.equals("Accepted")) return d;
                if (System.nanoTime() > deadline) {
                    throw new IOException("deployment " + name + " is still " + state + " after " + timeout.toSeconds()
                            + " s; check it later with `whetstone deployments show --deployment-name " + name + "`");
                }
                Thread.sleep(250);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the account's deployments.")
    static final class ListDeployments implements Callable<Integer> {
        @Mixin ArmOptions arm;

        @Override
        public Integer call() throws Exception {
            JsonNode list = arm.client().send("GET", arm.deploymentsPath(), null).body();
            System.out.printf("%-30s %-10s %-15s %-8s %s%n", "NAME", "STATE", "SKU", "CAPACITY", "MODEL");
            for (JsonNode d : list.path("value")) {
                System.out.printf("%-30s %-10s %-15s %-8d %s%n", d.path("name").asText(), state(d),
                        d.path("sku").path("name").asText(), d.path("sku").path("capacity").asInt(),
                        d.path("properties").path("model").path("name").asText());
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print one deployment as JSON.")
    static final class Show implements Callable<Integer> {
        @Mixin ArmOptions arm;

        @Option(names = "--deployment-name", required = true) String name;

        @Override
        public Integer call() throws Exception {
            JsonNode d = arm.client().send("GET", arm.deploymentsPath() + "/" + name, null).body();
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(d));
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a deployment (its weights are freed at once).")
    static final class Delete implements Callable<Integer> {
        @Mixin ArmOptions arm;

        @Option(names = "--deployment-name", required = true) String name;

        @Override
        public Integer call() throws Exception {
            int status = arm.client().send("DELETE", arm.deploymentsPath() + "/" + name, null).status();
            System.out.println(status == 204 ? "No deployment " + name + " in account " + arm.account + "; nothing to delete."
                    : "Deleted deployment " + name + ".");
            return 0;
        }
    }

    static String state(JsonNode d) {
        return d.path("properties").path("provisioningState").asText("");
    }
}
