package dev.whetstone.worker;

import dev.whetstone.error.ApiException;
import dev.whetstone.jobs.FineTuningJob;
import dev.whetstone.jobs.JobError;
import dev.whetstone.jobs.JobEvents;
import dev.whetstone.jobs.JobUpdates;
import dev.whetstone.jobs.ModelNames;
import dev.whetstone.jobs.ResolvedModel;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes jobs from the queue one at a time: claims with a lease, renews it on a heartbeat thread while the trainer
 * runs on this thread, and settles the outcome. {@link #stop()} makes a running job pause back into the queue at
 * its next step boundary (it resumes from its resume state on any worker).
 */
public final class JobWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(JobWorker.class);

    private final WorkerEnvironment env;
    private final String workerId;
    private final JobEvents events;
    private final ResultsFile results;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final TrainingMeter meter;
    /** The job this worker runs now, for the process registry; null when idle. */
    private volatile String running;

    public JobWorker(WorkerEnvironment env, String workerId) {
        this(env, workerId, TrainingMeter.NONE);
    }

    public JobWorker(WorkerEnvironment env, String workerId, TrainingMeter meter) {
        this.env = env;
        this.meter = meter;
        this.workerId = workerId;
        this.events = new JobEvents(env.stores().events(), env.clock());
        this.results = new ResultsFile(env.files());
    }

    public String id() { return workerId; }

    /** The job this worker runs now. */
    public Optional<String> runningJob() { return Optional.ofNullable(running); }

    /** Works until {@link #stop()}: runs jobs, and waits {@code poll} between looks when there are none. */
    @Override
    public void run() {
        while (stopped.getCount() > 0) {
            boolean worked;
            try {
                worked = runOnce();
            } catch (RuntimeException e) {
                LOG.error("worker {} could not take a job; trying again after the poll interval", workerId, e);
                worked = false;
            } catch (Error e) {
                // The JVM is failing (out of memory…): stop this worker; its job resumes elsewhere after the lease.
                LOG.error("worker {} stops: {}", workerId, e.toString());
                throw e;
            }
            if (!worked) {
                try {
                    stopped.await(env.settings().poll().toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    public void stop() { stopped.countDown(); }

    public boolean stopping() { return stopped.getCount() == 0; }

    /** Claims one job and runs it to its end on this thread; false when no job was waiting (or stopping). */
    public boolean runOnce() {
        if (stopping()) return false; // draining: a worker asked to stop claims nothing more
        long now = env.clock().millis();
        Optional<FineTuningJob> claim = env.stores().jobs().claimNext(workerId, now, now + env.settings().lease().toMillis());
        if (claim.isEmpty()) return false;
        FineTuningJob job = claim.get();
        LOG.info("worker {} runs job {}", workerId, job.id());
        running = job.id();
        try (Heartbeat heartbeat = new Heartbeat(env.stores().jobs(), job.id(), workerId, env.clock(),
                env.settings().lease(), env.settings().heartbeat())) {
            start(job, heartbeat);
        } finally {
            running = null;
            meter.ended(job.id());
        }
        return true;
    }

    private void start(FineTuningJob job, Heartbeat heartbeat) {
        ResolvedModel model;
        RunContext run;
        try {
            model = env.models().resolve(job.model());
            String resultsFile = resultsFile(job);
            run = new RunContext(env, workerId, job.id(), model.rootBase(), ModelNames.fineTuned(model.rootBase(), job.id(), job.suffix()),
                    resultsFile, job.metricsKind(), events, results, heartbeat, this::stopping, meter);
        } catch (ApiException e) {
            failEarly(job, heartbeat, new JobError(JobRun.errorCode(e.param()), e.getMessage(), e.param()));
            return;
        } catch (IOException e) {
            failEarly(job, heartbeat, new JobError("internal_error", "The results file could not be created: " + e, null));
            return;
        }
        boolean firstStart = job.resolved() == null && env.stores().events().metrics(job.id()).isEmpty();
        events.info(job.id(), firstStart ? "Job started." : "Job continues on worker " + workerId + ".");
        new JobRun(run, job, model).execute();
    }

    /** The job's results.csv, created on its first start so it can be read while training runs. */
    private String resultsFile(FineTuningJob job) throws IOException {
        if (!job.resultFiles().isEmpty()) return job.resultFiles().getFirst();
        String id = results.create(job.metricsKind());
        Optional<FineTuningJob> updated = JobUpdates.apply(env.stores().jobs(), job.id(), j -> workerId.equals(j.leaseOwner())
                && j.resultFiles().isEmpty() ? j.toBuilder().resultFiles(List.of(id)).build() : null);
        if (updated.isPresent()) return id;
        env.files().delete(id); // lost the job meanwhile; the run stops at its first step boundary
        return env.stores().jobs().find(job.id()).map(FineTuningJob::resultFiles).filter(f -> !f.isEmpty())
                .map(List::getFirst).orElse(null);
    }

    private void failEarly(FineTuningJob job, Heartbeat heartbeat, JobError error) {
        String resultsFile = job.resultFiles().isEmpty() ? null : job.resultFiles().getFirst();
        RunContext run = new RunContext(env, workerId, job.id(), null, null, resultsFile, job.metricsKind(),
                events, results, heartbeat, this::stopping, meter);
        new JobOutcomes(run).fail(error);
    }
}
