package dev.whetstone.files;

import dev.whetstone.Ids;
import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import dev.whetstone.store.BlobStore;
import dev.whetstone.store.FileStore;
import dev.whetstone.store.Page;
import dev.whetstone.store.PageRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a file: content is staged (streamed, hashed, size-capped), committed together with its record
 * (so nothing partial is ever visible), then validated in the background: pending → running → processed | error.
 */
public final class FileService {
    private static final Logger LOG = LoggerFactory.getLogger(FileService.class);

    private final FileStore store;
    private final BlobStore blobs;
    private final FileValidation validation;
    private final ExecutorService background;
    private final Clock clock;
    private final long maxBytes;
    private final FileUsage usage;

    /** @param usage what still needs a file (unfinished jobs): deleting such a file answers 409 */
    public FileService(FileStore store, BlobStore blobs, FileValidation validation, FileUsage usage,
                       ExecutorService background, Clock clock, long maxBytes) {
        this.store = store;
        this.blobs = blobs;
        this.validation = validation;
        this.usage = usage;
        this.background = background;
        this.clock = clock;
        this.maxBytes = maxBytes;
    }

    public long maxBytes() { return maxBytes; }

    /** Streams content into a not-yet-visible blob. Throws 413 past the size limit, 400 when empty. */
    public StagedContent stage(InputStream in) throws IOException {
        String id = Ids.newId("file-");
        BlobStore.BlobWriter writer = blobs.create(blobKey(id));
        try {
            HashingCopy.Result copied = HashingCopy.copy(in, writer.out(), maxBytes);
            if (copied.bytes() == 0) throw ApiException.invalid("file", "The file is empty.");
            return new StagedContent(id, writer, copied.bytes(), copied.sha256());
        } catch (IOException | RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    /** Makes staged content a file: checks purpose and name, commits the blob, stores the record, validates. */
    public FileRecord create(String purposeWire, String filename, StagedContent staged) throws IOException {
        FilePurpose purpose = uploadablePurpose(purposeWire);
        String name = checkedFilename(filename);
        staged.writer.commit();
        FileRecord file = new FileRecord(staged.id, clock.instant().getEpochSecond(), name, purpose,
                staged.bytes, FileStatus.PENDING, null, staged.sha256, blobKey(staged.id), null);
        store.insert(file);
        scheduleValidation(file);
        return file;
    }

    /** Stores a file the service generated itself (results.csv): visible at once as processed. */
    public FileRecord createGenerated(FilePurpose purpose, String filename, InputStream content) throws IOException {
        String id = Ids.newId("file-");
        try (BlobStore.BlobWriter writer = blobs.create(blobKey(id))) {
            HashingCopy.Result copied = HashingCopy.copy(content, writer.out(), Long.MAX_VALUE);
            writer.commit();
            FileRecord file = new FileRecord(id, clock.instant().getEpochSecond(), filename, purpose,
                    copied.bytes(), FileStatus.PROCESSED, null, copied.sha256(), blobKey(id), null);
            store.insert(file);
            return file;
        }
    }

    /**
     * Replaces the content of a file the service generated (results.csv while its job runs). The new content goes
     * to a new blob named after its hash and the record is switched to it, so a download never mixes old size with
     * new bytes; the old blob is deleted afterwards. Unchanged content is a no-op.
     */
    public FileRecord replaceGeneratedContent(String id, InputStream content) throws IOException {
        FileRecord file = get(id);
        if (file.purpose() != FilePurpose.FINE_TUNE_RESULTS) {
            throw new IllegalArgumentException("only generated files can be replaced, not " + id + " ("
                    + file.purpose().wireName() + ")");
        }
        byte[] bytes = content.readAllBytes();
        String sha = HashingCopy.copy(new java.io.ByteArrayInputStream(bytes), OutputStream.nullOutputStream(),
                Long.MAX_VALUE).sha256();
        if (sha.equals(file.sha256())) return file;
        String key = blobKey(id) + "." + sha.substring(0, 16);
        try (BlobStore.BlobWriter writer = blobs.create(key)) {
            writer.out().write(bytes);
            writer.commit();
        }
        store.updateContent(id, bytes.length, sha, key);
        if (file.blobKey() != null && !file.blobKey().equals(key)) blobs.delete(file.blobKey());
        return file.withContent(bytes.length, sha, key);
    }

    public FileRecord get(String id) {
        return store.find(id).orElseThrow(() -> ApiException.notFound("File", id));
    }

    public Page<FileRecord> list(String purposeWire, PageRequest page) {
        FilePurpose purpose = purposeWire == null ? null : FilePurpose.fromWire(purposeWire).orElseThrow(() ->
                ApiException.invalid("purpose", "Unknown purpose '" + purposeWire + "'. Allowed: "
                        + FilePurpose.allowedList() + "."));
        return store.list(purpose, page);
    }

    /** Opens the content of a file whose content is complete. */
    public InputStream content(String id) throws IOException {
        return download(id).content();
    }

    /** A file's record and the content it describes, opened together (see {@link #download}). */
    public record Download(FileRecord file, InputStream content) {}

    /**
     * The record and its content as one consistent pair. A results file is rewritten while its job runs (new blob,
     * record updated, old blob deleted), so a record read just before a rewrite can name a blob already gone:
     * then the record is read again.
     */
    public Download download(String id) throws IOException {
        for (int attempt = 1; ; attempt++) {
            FileRecord file = get(id);
            if (file.blobKey() == null || file.status() == FileStatus.PENDING || file.status() == FileStatus.RUNNING) {
                throw ApiException.wrongState("File '" + id + "' is " + file.status().wireName()
                        + "; its content can be downloaded once it is processed.");
            }
            Optional<InputStream> in = blobs.open(file.blobKey());
            if (in.isPresent()) return new Download(file, in.get());
            if (attempt == 3) {
                throw new ApiException(ErrorCode.INTERNAL_FAILURE, "The content of file '" + id + "' is missing from the blob store.");
            }
        }
    }

    public void delete(String id) throws IOException {
        FileRecord file = get(id);
        usage.activeUserOf(id).ifPresent(user -> {
            throw ApiException.conflict("File '" + id + "' is used by " + user + "; delete it once that has finished.");
        });
        if (store.delete(id) && file.blobKey() != null) {
            blobs.delete(file.blobKey());
        }
    }

    /** Re-validates files a crash left pending or running. Called once at start-up. */
    public int resumeUnfinished() {
        int resumed = 0;
        for (FileRecord file : store.unfinished()) {
            if (file.blobKey() == null) {
                store.updateStatus(file.id(), file.status(), FileStatus.ERROR,
                        "The service stopped before the content was completely received; upload it again.", null);
                continue;
            }
            if (file.status() == FileStatus.RUNNING) {
                store.updateStatus(file.id(), FileStatus.RUNNING, FileStatus.PENDING, null, null);
            }
            scheduleValidation(file);
            resumed++;
        }
        return resumed;
    }

    /** Stores imported content for a record created earlier with no content, then validates it. */
    void completeImport(FileRecord file, InputStream in) throws IOException {
        try (BlobStore.BlobWriter writer = blobs.create(blobKey(file.id()))) {
            HashingCopy.Result copied = HashingCopy.copy(in, writer.out(), maxBytes);
            if (copied.bytes() == 0) throw ApiException.invalid("content_url", "The imported content is empty.");
            writer.commit();
            store.updateContent(file.id(), copied.bytes(), copied.sha256(), blobKey(file.id()));
        }
        scheduleValidation(get(file.id()));
    }

    void insertPending(FileRecord file) { store.insert(file); }

    void markFailed(String id, String details) {
        store.find(id).ifPresent(f -> store.updateStatus(id, f.status(), FileStatus.ERROR, details, null));
    }

    ExecutorService background() { return background; }

    Clock clock() { return clock; }

    static FilePurpose uploadablePurpose(String purposeWire) {
        if (purposeWire == null || purposeWire.isBlank()) {
            throw ApiException.invalid("purpose", "The 'purpose' field is required. Allowed: fine-tune.");
        }
        FilePurpose purpose = FilePurpose.fromWire(purposeWire.strip()).orElseThrow(() -> ApiException.invalid(
                "purpose", "Unknown purpose '" + purposeWire + "'. Allowed: " + FilePurpose.allowedList() + "."));
        if (purpose == FilePurpose.FINE_TUNE_RESULTS) {
            throw ApiException.invalid("purpose", "Purpose 'fine-tune-results' is reserved for files the service creates.");
        }
        return purpose;
    }

    static String checkedFilename(String filename) {
        if (filename == null || filename.isBlank()) {
            throw ApiException.invalid("filename", "The file needs a name (the multipart 'filename' parameter).");
        }
        String base = filename.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).strip();
        if (base.isEmpty() || base.length() > 255 || base.chars().anyMatch(c -> c < 0x20)) {
            throw ApiException.invalid("filename", "Invalid file name '" + filename
                    + "': 1 to 255 characters without control characters.");
        }
        return base;
    }

    private void scheduleValidation(FileRecord file) {
        background.execute(() -> validate(file));
    }

    private void validate(FileRecord file) {
        if (!store.updateStatus(file.id(), FileStatus.PENDING, FileStatus.RUNNING, null, null)) return;
        if (file.purpose() != FilePurpose.FINE_TUNE) {
            store.updateStatus(file.id(), FileStatus.RUNNING, FileStatus.PROCESSED, null, null);
            return;
        }
        try (InputStream in = blobs.open(file.blobKey()).orElseThrow()) {
            FileValidation.Result result = validation.validate(in);
            store.updateStatus(file.id(), FileStatus.RUNNING, result.ok() ? FileStatus.PROCESSED : FileStatus.ERROR,
                    result.details(), result.statistics());
        } catch (IOException | RuntimeException e) {
            LOG.error("validation of {} failed unexpectedly", file.id(), e);
            store.updateStatus(file.id(), FileStatus.RUNNING, FileStatus.ERROR,
                    "The file could not be validated: " + e.getMessage(), null);
        }
    }

    private static String blobKey(String id) { return "files/" + id; }
}
