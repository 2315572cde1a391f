package dev.whetstone.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Polls a job and its events until the job ends. New events are printed as lines; metrics events update one
 * progress line, redrawn in place on a terminal ({@code \r}) and printed as plain lines otherwise.
 */
final class JobFollower {
    private static final Set<String> FINAL = Set.of("succeeded", "failed", "cancelled");

    private final ApiClient api;
    private final PrintStream out;
    private final boolean terminal;
    private final Duration poll;
    private final Set<String> seen = new HashSet<>();
    private ProgressLine progress;
    private boolean lineOpen;
    private int firstStep = -1;
    private long firstStepNanos;

    JobFollower(ApiClient api, PrintStream out, boolean terminal, Duration poll) {
        this.api = api;
        this.out = out;
        this.terminal = terminal;
        this.poll = poll;
    }

    /** Follows {@code jobId} to its end: 0 when it succeeded, 1 when it failed or was cancelled. */
    int follow(String jobId) throws IOException, InterruptedException {
        String path = "/openai/fine_tuning/jobs/" + jobId;
        while (true) {
            JsonNode job = api.get(path); // the job before its events, so a final status comes with its last events
            JsonNode events = api.get(path + "/events?limit=100").path("data");
            for (JsonNode e : fresh(events)) show(e, job);
            String status = job.path("status").asText();
            if (FINAL.contains(status)) return finish(jobId, job, status);
            Thread.sleep(poll);
        }
    }

    /** Events not printed yet, oldest first (the API lists newest first). */
    private List<JsonNode> fresh(JsonNode events) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : events) if (seen.add(e.path("id").asText())) out.add(e);
        return out.reversed();
    }

    private void show(JsonNode event, JsonNode job) {
        if (event.path("type").asText().equals("metrics") && event.path("data").has("step")) {
            progress = progressOf(event.path("data"), job);
            if (terminal) {
                out.print("\r" + progress.render() + "\033[K");
                lineOpen = true;
            } else {
                out.println(progress.render());
            }
            return;
        }
        if (terminal && lineOpen) {
            out.print("\r\033[K"); // the event goes where the progress line was; the line is redrawn below it
            lineOpen = false;
        }
        out.println(Instant.ofEpochSecond(event.path("created_at").asLong()) + "  " + event.path("message").asText());
        if (terminal && progress != null) {
            out.print(progress.render());
            lineOpen = true;
        }
        out.flush();
    }

    private ProgressLine progressOf(JsonNode data, JsonNode job) {
        int step = data.path("step").asInt();
        int total = data.path("total_steps").asInt(0);
        double loss = data.path("train_loss").isNumber() ? data.path("train_loss").asDouble() : Double.NaN;
        return new ProgressLine(step, total, loss, data.path("tokens_per_second").asDouble(0), eta(step, total, job));
    }

    /** The service's estimate when it gives one, else the step rate this follower has seen. */
    private Duration eta(int step, int total, JsonNode job) {
        long finish = job.path("estimated_finish").asLong(0);
        if (finish > 0) return Duration.between(Instant.now(), Instant.ofEpochSecond(finish));
        long now = System.nanoTime();
        if (firstStep < 0) {
            firstStep = step;
            firstStepNanos = now;
            return null;
        }
        if (step <= firstStep || total <= 0) return null;
        double nanosPerStep = (double) (now - firstStepNanos) / (step - firstStep);
        return Duration.ofNanos((long) (nanosPerStep * (total - step)));
    }

    private int finish(String jobId, JsonNode job, String status) {
        closeLine();
        String error = job.path("error").path("message").asText("");
        out.println("Job " + jobId + " " + status + (error.isEmpty() ? "" : ": " + error)
                + (status.equals("succeeded") ? " (model " + job.path("fine_tuned_model").asText() + ")" : ""));
        out.flush();
        return status.equals("succeeded") ? 0 : 1;
    }

    private void closeLine() {
        if (!lineOpen) return;
        out.println();
        lineOpen = false;
    }
}
