package dev.whetstone.store.sql;

import dev.whetstone.jobs.JobStatus;
import dev.whetstone.testing.JobStoreContract;

/** Empties the job-side tables between contract tests and creates the parent jobs the child rows need. */
final class JobTables {
    /** Job ids the event and checkpoint contracts attach rows to; the SQL schema needs their job rows. */
    static final String[] CONTRACT_JOB_IDS = {"ftjob-a", "ftjob-b"};

    private JobTables() {}

    /** Deletes every job (events, metrics rows and checkpoints go with them) and every model. */
    static void empty(Database database) {
        database.jdbi().useTransaction(h -> {
            h.execute("DELETE FROM jobs");
            h.execute("DELETE FROM models");
        });
    }

    /** {@link #empty}, then inserts the jobs the event and checkpoint contracts refer to. */
    static void emptyWithContractJobs(Database database) {
        empty(database);
        JdbiJobStore jobs = new JdbiJobStore(database);
        for (String id : CONTRACT_JOB_IDS) jobs.insert(JobStoreContract.job(id, 0, JobStatus.RUNNING));
    }
}
