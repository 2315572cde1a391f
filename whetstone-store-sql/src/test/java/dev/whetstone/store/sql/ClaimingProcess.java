package dev.whetstone.store.sql;

import dev.whetstone.jobs.FineTuningJob;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Child process of the cross-process claim test: opens the database, prints {@value #READY}, waits for a line on
 * stdin so both processes start claiming together, then claims until the queue is empty, printing each job id.
 * Like a real worker it pauses between claims: SQLite's write lock is not fair, and a process claiming in a
 * tight loop frees it for only microseconds, so the other process's busy handler (it retries every few
 * milliseconds) would hardly ever get a turn and the test would not race at all.
 */
final class ClaimingProcess {
    static final String READY = "ready";
    static final int PAUSE_MS = 1;

    private ClaimingProcess() {}

    public static void main(String[] args) throws Exception {
        try (Database database = Database.open(args[0])) {
            JdbiJobStore jobs = new JdbiJobStore(database);
            jobs.find("ftjob-warm-up"); // loads the statement machinery before the race starts
            System.out.println(READY);
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            for (Optional<FineTuningJob> c; (c = jobs.claimNext(args[1], 0L, 60_000L)).isPresent(); ) {
                System.out.println(c.get().id());
                Thread.sleep(PAUSE_MS);
            }
        }
    }
}
