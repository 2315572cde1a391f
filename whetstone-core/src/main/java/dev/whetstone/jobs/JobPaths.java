package dev.whetstone.jobs;

import dev.whetstone.Folders;
import dev.whetstone.artifacts.ArtifactStore;
import dev.whetstone.artifacts.DataDirArtifacts;
import dev.whetstone.engine.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collection;

/**
 * Where a job's files live: {@code <data>/jobs/<job id>} holds its checkpoints, resume state and final model while a
 * worker writes them, and {@link #artifacts()} holds them durably under the same relative path as key (on one
 * machine the data folder itself; with several, the object store, see docs/architecture.md "Artifacts"). Stored
 * paths are these keys, relative to the data folder, so the folder can move.
 */
public record JobPaths(Path dataDir, ArtifactStore artifacts) {
    public JobPaths {
        dataDir = dataDir.toAbsolutePath().normalize();
        if (artifacts == null) artifacts = new DataDirArtifacts(dataDir);
    }

    /** One machine: the data folder is the artifact store. */
    public JobPaths(Path dataDir) {
        this(dataDir, null);
    }

    public Path workDir(String jobId) { return dataDir.resolve("jobs").resolve(jobId); }

    /** The key of the job's resume point: the folder the trainer keeps it in ({@link Trainer#RESUME_FOLDER}). */
    public String resumeKey(String jobId) { return relative(workDir(jobId).resolve(Trainer.RESUME_FOLDER)); }

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

    /** Makes a folder of the job's work folder durable under its stored path (nothing to copy on one machine). */
    public void publish(Path folder) {
        try {
            artifacts.publish(relative(folder), folder);
        } catch (IOException e) {
            throw new UncheckedIOException("could not store " + relative(folder) + ": " + e.getMessage(), e);
        }
    }

    /** Like {@link #publish}, unless the folder is stored already (a checkpoint that is also the final model). */
    public void publishOnce(Path folder) {
        try {
            if (!artifacts.exists(relative(folder))) artifacts.publish(relative(folder), folder);
        } catch (IOException e) {
            throw new UncheckedIOException("could not store " + relative(folder) + ": " + e.getMessage(), e);
        }
    }

    /** Deletes one stored folder of the job: its published copy and this process's local one. */
    public void deleteFolder(String jobId, String stored) {
        if (!insideWorkDir(jobId, stored)) return;
        try {
            artifacts.delete(stored);
        } catch (IOException e) { // its record is gone already: an unreachable folder, not a failure of the caller
            org.slf4j.LoggerFactory.getLogger(JobPaths.class).warn("could not delete stored folder {}: {}", stored,
                    e.toString());
        }
        Folders.deleteTree(resolve(stored));
    }

    /**
     * Deletes everything the job stored: {@code folders} (its checkpoints and model, by stored path), its resume
     * point, and the local work folder.
     */
    public void deleteJob(String jobId, Collection<String> folders) {
        for (String f : folders) deleteFolder(jobId, f);
        deleteFolder(jobId, resumeKey(jobId));
        deleteWorkDir(jobId);
    }

    public void deleteWorkDir(String jobId) { Folders.deleteTree(workDir(jobId)); }

    /**
     * Readies the job's work folder for a run on this machine: where the store is elsewhere, a copy left by an
     * earlier run here may be stale (another worker went on since), so the folder starts empty and receives the
     * stored resume point and {@code newestCheckpoint} (the folder a run resumed at its very end names as its
     * model). On one machine the folder already is the stored state and nothing changes.
     *
     * @param newestCheckpoint stored path of the job's newest checkpoint, or null
     */
    public void prepareWorkDir(String jobId, String newestCheckpoint) {
        try {
            if (!artifacts.inPlace()) deleteWorkDir(jobId);
            String resume = resumeKey(jobId);
            if (artifacts.exists(resume)) artifacts.copyTo(resume, resolve(resume));
            if (newestCheckpoint != null && insideWorkDir(jobId, newestCheckpoint) && artifacts.exists(newestCheckpoint)) {
                artifacts.copyTo(newestCheckpoint, resolve(newestCheckpoint));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not fetch the stored state of job " + jobId + ": " + e.getMessage(), e);
        }
    }

    /** After a run: the local work folder is scratch where the store is elsewhere, and goes; else it stays. */
    public void releaseWorkDir(String jobId) {
        if (!artifacts.inPlace()) deleteWorkDir(jobId);
    }

}
