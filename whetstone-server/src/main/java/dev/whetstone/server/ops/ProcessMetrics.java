package dev.whetstone.server.ops;

import dev.whetstone.engine.StepMetrics;
import dev.whetstone.jobs.JobStatus;
import dev.whetstone.store.JobStore;
import dev.whetstone.worker.TrainingMeter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * One process's Prometheus meters (docs/operations.md, "Metrics"): the JVM's, jobs by state and queue depth (read
 * from the shared database, so every process reports the cluster's numbers), this process's training steps and
 * tokens/s, inference latency and generated tokens, loaded deployments, and caches bound through
 * {@link #bindCache}. Micrometer names with dots become Prometheus names with underscores and unit suffixes.
 * Gauges hold their state strongly: Micrometer's default weak reference lets a lambda's state be collected, after
 * which the gauge reads NaN.
 */
public final class ProcessMetrics {
    /** Jobs by state are one grouped query per scrape at most this often, whatever the number of gauges. */
    private static final Duration JOB_COUNTS_TTL = Duration.ofSeconds(1);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter trainingSteps;
    private final Map<String, Double> tokensPerSecond = new ConcurrentHashMap<>();
    /** Sources of function counters, which Micrometer holds only weakly (a collected one reads NaN). */
    private final List<Object> retained = new java.util.concurrent.CopyOnWriteArrayList<>();

    public ProcessMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        trainingSteps = Counter.builder("whetstone.training.steps").description("Training steps finished by this process")
                .register(registry);
        Gauge.builder("whetstone.training.tokens.per.second", tokensPerSecond,
                        m -> m.values().stream().mapToDouble(Double::doubleValue).sum())
                .description("Training throughput of the jobs this process runs now (sum of their latest steps)")
                .strongReference(true).register(registry);
    }

    public PrometheusMeterRegistry registry() { return registry; }

    /** The Prometheus text exposition of every meter. */
    public String scrape() { return registry.scrape(); }

    /** Counts this process's training steps and throughput; pass to the job workers. */
    public TrainingMeter training() {
        return new TrainingMeter() {
            @Override
            public void step(String jobId, StepMetrics m) {
                trainingSteps.increment();
                tokensPerSecond.put(jobId, m.tokensPerSecond());
            }

            @Override
            public void ended(String jobId) {
                tokensPerSecond.remove(jobId);
            }
        };
    }

    /** {@code whetstone_jobs{state}} for every status, and {@code whetstone_queue_depth}: jobs waiting for a worker. */
    public void bindJobs(JobStore jobs) {
        JobCounts counts = new JobCounts(jobs);
        for (JobStatus s : JobStatus.values()) {
            Gauge.builder("whetstone.jobs", counts, c -> c.get().getOrDefault(s, 0)).tag("state", s.wireName())
                    .description("Fine-tuning jobs in the database by status").strongReference(true).register(registry);
        }
        Gauge.builder("whetstone.queue.depth", counts, c -> c.get().entrySet().stream()
                        .filter(e -> e.getKey().isWaitingForWorker()).mapToInt(Map.Entry::getValue).sum())
                .description("Jobs waiting for a worker (pending, resuming)").strongReference(true).register(registry);
    }

    /** {@code whetstone_deployments_loaded}: deployments whose weights this process holds. */
    public void bindDeployments(Supplier<List<String>> loaded) {
        Gauge.builder("whetstone.deployments.loaded", loaded, l -> l.get().size())
                .description("Deployments loaded in this process").strongReference(true).register(registry);
    }

    /** {@code whetstone_process_draining}: 1 once SIGTERM started the drain. */
    public void bindDraining(java.util.function.BooleanSupplier draining) {
        Gauge.builder("whetstone.process.draining", draining, d -> d.getAsBoolean() ? 1 : 0)
                .description("1 while the process drains before it exits").strongReference(true).register(registry);
    }

    /**
     * The hook for a cache's counters ({@code whetstone_cache_hits_total{cache}}, {@code whetstone_cache_misses_total});
     * the cache keeps counting, the registry reads its totals at each scrape.
     */
    public <T> void bindCache(String cache, T source, ToDoubleFunction<T> hits, ToDoubleFunction<T> misses) {
        retained.add(source); // function counters hold their source weakly; the process keeps the cache for its life
        FunctionCounter.builder("whetstone.cache.hits", source, hits).tag("cache", cache)
                .description("Lookups answered from the cache").register(registry);
        FunctionCounter.builder("whetstone.cache.misses", source, misses).tag("cache", cache)
                .description("Lookups the cache had to fetch").register(registry);
    }

    /**
     * One chat or completion request ended: its duration (a histogram, buckets for Prometheus' histogram_quantile)
     * by deployment, endpoint and status, and the tokens it generated.
     */
    public void inference(String deployment, String endpoint, int status, long nanos, long generatedTokens) {
        String name = deployment == null ? "unknown" : deployment;
        Timer.builder("whetstone.inference.request.duration").description("Chat and completion requests, to the last byte")
                .tag("deployment", name).tag("endpoint", endpoint).tag("status", Integer.toString(status))
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(registry)
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        if (generatedTokens > 0) {
            Counter.builder("whetstone.inference.tokens.generated").description("Completion tokens generated")
                    .tag("deployment", name).register(registry).increment(generatedTokens);
        }
    }

    /** The jobs' status counts, read at most once per {@link #JOB_COUNTS_TTL}. */
    private static final class JobCounts {
        private final JobStore jobs;
        private Map<JobStatus, Integer> last = Map.of();
        private long readAt;

        JobCounts(JobStore jobs) {
            this.jobs = jobs;
        }

        synchronized Map<JobStatus, Integer> get() {
            long now = System.nanoTime();
            if (readAt == 0 || now - readAt > JOB_COUNTS_TTL.toNanos()) {
                try {
                    last = jobs.countByStatus();
                } catch (RuntimeException e) {
                    // the database is away: report the last counts; /readyz says the database is down
                }
                readAt = now;
            }
            return last;
        }
    }
}
