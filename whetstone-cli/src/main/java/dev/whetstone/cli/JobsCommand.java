package dev.whetstone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code whetstone jobs …}: fine-tuning jobs of a running service, over its HTTP API. */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "Fine-tuning jobs of a running service.",
        subcommands = {JobsCommand.ListJobs.class, JobsCommand.Show.class, JobsCommand.Follow.class})
final class JobsCommand {

    /** Where the service is and how to authenticate. */
    static final class Endpoint {
        @Option(names = "--endpoint", defaultValue = "${env:WHETSTONE_ENDPOINT:-http://127.0.0.1:8080}",
                description = "Service URL (default ${DEFAULT-VALUE}).")
        String url;

        @Option(names = "--api-key", defaultValue = "${env:WHETSTONE_API_KEY}",
                description = "API key; default WHETSTONE_API_KEY, else the key kept in --data.")
        String apiKey;

        @Option(names = "--data", defaultValue = "${env:WHETSTONE_DATA:-./data}",
                description = "The server's data folder, to read its API key from its database when no key is given (default ${DEFAULT-VALUE}).")
        Path data;

        @Option(names = "--db", defaultValue = "${env:WHETSTONE_DB}",
                description = "The server's JDBC URL (as `serve --db`), when it is not the SQLite file in --data.")
        String db;

        ApiClient client() throws IOException {
            return new ApiClient(url, key());
        }

        String key() throws IOException {
            if (apiKey != null && !apiKey.isBlank()) return apiKey.strip();
            return ServiceDatabase.apiKey(data, db).orElse(null);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List jobs, newest first.")
    static final class ListJobs implements Callable<Integer> {
        @Mixin Endpoint endpoint;

        @Option(names = "--limit", defaultValue = "20", description = "How many (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() throws Exception {
            JsonNode page = endpoint.client().get("/openai/fine_tuning/jobs?limit=" + limit);
            System.out.printf("%-40s %-10s %-20s %-21s %s%n", "ID", "STATUS", "MODEL", "CREATED", "FINE-TUNED MODEL");
            for (JsonNode j : page.path("data")) {
                System.out.printf("%-40s %-10s %-20s %-21s %s%n", j.path("id").asText(), j.path("status").asText(),
                        j.path("model").asText(), Instant.ofEpochSecond(j.path("created_at").asLong()),
                        j.path("fine_tuned_model").asText(""));
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print one job as JSON.")
    static final class Show implements Callable<Integer> {
        @Mixin Endpoint endpoint;

        @Parameters(paramLabel = "JOB_ID") String id;

        @Override
        public Integer call() throws Exception {
            JsonNode job = endpoint.client().get("/openai/fine_tuning/jobs/" + id);
            System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(job));
            return 0;
        }
    }

    @Command(name = "follow", mixinStandardHelpOptions = true,
            description = "Show a job's events and progress until it ends. Exit code 0: succeeded; 1: failed or cancelled; 3: the service could not be asked.")
    static final class Follow implements Callable<Integer> {
        @Mixin Endpoint endpoint;

        @Parameters(paramLabel = "JOB_ID") String id;

        @Option(names = "--poll-ms", defaultValue = "1000", description = "Milliseconds between polls (default ${DEFAULT-VALUE}).")
        long pollMs;

        @Override
        public Integer call() throws Exception {
            return new JobFollower(endpoint.client(), System.out, Terminal.isInteractive(), Duration.ofMillis(pollMs)).follow(id);
        }
    }
}
