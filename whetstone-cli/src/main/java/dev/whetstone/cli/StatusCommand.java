package dev.whetstone.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.whetstone.cluster.ProcessRecord;
import dev.whetstone.server.ServerConfig;
import dev.whetstone.server.ops.ClusterStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code whetstone status}: the cluster as the shared database sees it — serve replicas and workers from the process
 * registry (stale ones marked), their loaded deployments, and the job leases with their holders.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "List the cluster's serve replicas and workers, job leases and loaded deployments, from the "
                + "database. Every option can also be set as an environment variable WHETSTONE_<NAME>.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    StorageOptions storage = new StorageOptions();

    @Option(names = "--json", defaultValue = "${env:WHETSTONE_JSON:-false}", description = "Print JSON instead of tables.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ServerConfig base = ServerConfig.defaults(storage.data);
        ServerConfig config = new ServerConfig(base.host(), base.port(), storage.data, storage.dbOrNull(), null,
                java.util.Set.of(), java.util.Map.of(), base.maxUploadBytes(), false, base.importTimeout(), false);
        ClusterStatus status = ClusterStatus.read(config);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(status.toJson()));
        } else {
            print(status, out);
        }
        out.flush();
        return 0;
    }

    static void print(ClusterStatus status, PrintWriter out) {
        out.println("PROCESSES");
        if (status.processes().isEmpty()) out.println("  (none registered)");
        else {
            out.printf("  %-28s %-7s %-20s %-8s %-14s %-9s %-10s %s%n", "ID", "KIND", "HOST", "PID", "VERSION", "STATE",
                    "HEARTBEAT", "JOBS");
            for (ClusterStatus.Process p : status.processes()) {
                ProcessRecord r = p.record();
                out.printf("  %-28s %-7s %-20s %-8d %-14s %-9s %-10s %s%n", r.id(), r.kind().wireName(), r.host(),
                        r.pid(), r.version(), p.stale() ? "stale" : r.state().wireName(),
                        age(status.now() - r.heartbeatAt()) + " ago", r.jobs().isEmpty() ? "-" : String.join(",", r.jobs()));
            }
        }
        out.println();
        out.println("LEASES");
        if (status.leases().isEmpty()) out.println("  (no job is leased)");
        else {
            out.printf("  %-32s %-9s %-32s %-28s %s%n", "JOB", "STATUS", "HOLDER", "PROCESS", "LEASE EXPIRES");
            for (ClusterStatus.Lease l : status.leases()) {
                String expiry = Instant.ofEpochMilli(l.leaseExpiresAt()) + (l.expired() ? " (expired)"
                        : " (in " + age(l.leaseExpiresAt() - status.now()) + ")");
                out.printf("  %-32s %-9s %-32s %-28s %s%n", l.jobId(), l.status(), l.holder(),
                        l.process() == null ? "(not registered)" : l.process(), expiry);
            }
        }
        out.println();
        out.println("DEPLOYMENTS LOADED");
        boolean any = false;
        for (ClusterStatus.Process p : status.processes()) {
            if (p.record().kind() != ProcessRecord.Kind.SERVE) continue;
            any = true;
            out.printf("  %-28s %s%n", p.record().id(), p.record().deployments().isEmpty() ? "(none)"
                    : String.join(", ", p.record().deployments()));
        }
        if (!any) out.println("  (no serve replica registered)");
    }

    /** 3s, 4m05s, 2h03m: enough to tell a live heartbeat from a dead one. */
    static String age(long millis) {
        Duration d = Duration.ofMillis(Math.max(0, millis));
        if (d.toHours() > 0) return String.format("%dh%02dm", d.toHours(), d.toMinutesPart());
        if (d.toMinutes() > 0) return String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
        return d.toSeconds() + "s";
    }
}
