package dev.whetstone.jobs;

import dev.whetstone.Folders;
import java.nio.file.Path;

/**
 * Where a job's files live: {@code <data>/jobs/<job id>} holds its checkpoints, resume state and final model.
 * Stored paths are relative to the data folder, so the folder can move.
 */
public record JobPaths(Path dataDir) {
    public JobPaths {
        dataDir = dataDir.toAbsolutePath().normalize();
    }

    public Path workDir(String jobId) { return dataDir.resolve("jobs").resolve(jobId); }

    /** A stored path back to a real one (absolute stored paths stay as they are). */
    public Path resolve(String stored) { return dataDir.resolve(stored).normalize(); }

    /** The path to store: relative to the data folder when inside it, else absolute. */
    public String relative(Path path) {
        Path p = path.toAbsolutePath().normalize();
        return (p.startsWith(dataDir) ? dataDir.relativize(p) : p).toString().replace('\\', '/');
    }

    /** Whether {@code stored} lies inside the job's own work folder (only such folders are ever deleted). */
    public boolean insideWorkDir(String jobId, String stored) {
        Path p = resolve(stored);
        return p.startsWith(workDir(jobId)) && !p.equals(workDir(jobId));
    }

    public void deleteWorkDir(String jobId) { Folders.deleteTree(workDir(jobId)); }

}
