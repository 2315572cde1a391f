package dev.whetstone.store.sql.bench;

import dev.whetstone.deployments.BucketQuota;
import dev.whetstone.deployments.DeploymentQuota;
import dev.whetstone.deployments.SharedQuotas;
import dev.whetstone.store.sql.Database;
import dev.whetstone.store.sql.JdbiQuotaStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What the rate limit costs per inference request (one admit + one settle): in memory ({@link BucketQuota}, the
 * anchor), in the database through {@link SharedQuotas} on SQLite, and on PostgreSQL (argument: a JDBC URL to a
 * database it may create a table set in; give a {@code currentSchema} of its own). Also two replicas (two pools)
 * with {@code threads} threads each charging the same deployment at once on PostgreSQL. Prints microseconds per
 * request, median of {@code rounds}. docs/deployments.md, "Rate limits", quotes it.
 *
 * <p>{@code QuotaCostBenchmark.main(requests, rounds, threads, postgresUrl)}
 */
public final class QuotaCostBenchmark {
    private QuotaCostBenchmark() {}

    public static void main(String[] args) throws Exception {
        int requests = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        String postgres = args.length > 3 ? args[3] : null;
        Clock clock = Clock.systemUTC();
        // capacity high enough that nothing is refused: the cost of the bookkeeping, not of 429s
        int capacity = 10_000;
        report("in memory (BucketQuota)", rounds, () -> perRequest(new BucketQuota(capacity, clock), requests));
        Path dir = Files.createTempDirectory("quota-bench");
        try (Database sqlite = Database.open("jdbc:sqlite:" + dir.resolve("bench.db"))) {
            DeploymentQuota q = new SharedQuotas(new JdbiQuotaStore(sqlite), clock).open("bench", capacity);
            report("SQLite (SharedQuotas)", rounds, () -> perRequest(q, requests));
        }
        if (postgres == null) return;
        try (Database a = Database.open(postgres); Database b = Database.open(postgres)) {
            DeploymentQuota qa = new SharedQuotas(new JdbiQuotaStore(a), clock).open("bench", capacity);
            DeploymentQuota qb = new SharedQuotas(new JdbiQuotaStore(b), clock).open("bench", capacity);
            report("PostgreSQL (SharedQuotas), one replica, one thread", rounds, () -> perRequest(qa, requests));
            report("PostgreSQL, two replicas x " + threads + " threads on one deployment (wall time / request)", rounds,
                    () -> contended(List.of(qa, qb), threads, requests));
        }
    }

    private interface Measure {
        double micros() throws Exception;
    }

    private static void report(String what, int rounds, Measure m) throws Exception {
        m.micros(); // warm-up: JIT, pool connections, first row
        double[] r = new double[rounds];
        for (int i = 0; i < rounds; i++) r[i] = m.micros();
        Arrays.sort(r);
        System.out.printf("%-90s %10.1f us/request (min %.1f, max %.1f)%n", what, r[rounds / 2], r[0], r[rounds - 1]);
    }

    private static double perRequest(DeploymentQuota q, int requests) {
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            q.admit(100);
            q.settle(100, 60);
        }
        return (System.nanoTime() - start) / 1000.0 / requests;
    }

    private static double contended(List<DeploymentQuota> replicas, int threadsEach, int requests) throws Exception {
        int total = replicas.size() * threadsEach;
        int each = requests / total;
        try (ExecutorService pool = Executors.newFixedThreadPool(total)) {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < total; t++) {
                DeploymentQuota q = replicas.get(t % replicas.size());
                done.add(pool.submit(() -> perRequest(q, each)));
            }
            for (Future<?> f : done) f.get();
            return (System.nanoTime() - start) / 1000.0 / (each * total);
        }
    }
}
