package dev.whetstone.testing;

import dev.whetstone.files.FilePurpose;
import dev.whetstone.files.FileRecord;
import dev.whetstone.files.FileStatistics;
import dev.whetstone.files.FileStatus;
import dev.whetstone.store.FileStore;
import dev.whetstone.store.Page;
import dev.whetstone.store.PageRequest;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link FileStore} in a map, for unit tests of services. Behaves like the SQL store (the shared
 * FileStoreContract checks both): ordering by (createdAt, id), a cursor that names a record that no longer
 * exists yields an empty page, and deleted-status records still work as cursors.
 */
public final class InMemoryFileStore implements FileStore {
    private static final Comparator<FileRecord> OLDEST_FIRST =
            Comparator.comparingLong(FileRecord::createdAt).thenComparing(FileRecord::id);

    private final Map<String, FileRecord> records = new HashMap<>();

    @Override
    public synchronized void insert(FileRecord file) {
        if (records.putIfAbsent(file.id(), file) != null) {
            throw new IllegalStateException("InMemoryFileStore: a file with id '" + file.id() + "' already exists");
        }
    }

    @Override
    public synchronized Optional<FileRecord> find(String id) {
        return Optional.ofNullable(records.get(id)).filter(InMemoryFileStore::visible);
    }

    @Override
    public synchronized Page<FileRecord> list(FilePurpose purpose, PageRequest page) {
        Comparator<FileRecord> order = page.ascending() ? OLDEST_FIRST : OLDEST_FIRST.reversed();
        FileRecord cursor = page.after() == null ? null : records.get(page.after());
        if (page.after() != null && cursor == null) {
            return Page.of(List.of(), false);
        }
        List<FileRecord> rows = records.values().stream()
                .filter(InMemoryFileStore::visible)
                .filter(r -> purpose == null || r.purpose() == purpose)
                .filter(r -> cursor == null || order.compare(r, cursor) > 0)
                .sorted(order)
                .limit(page.limit() + 1L)
                .toList();
        boolean hasMore = rows.size() > page.limit();
        return Page.of(hasMore ? rows.subList(0, page.limit()) : rows, hasMore);
    }

    @Override
    public synchronized boolean updateStatus(
            String id, FileStatus expected, FileStatus status, String details, FileStatistics stats) {
        FileRecord current = records.get(id);
        if (current == null || current.status() != expected) {
            return false;
        }
        records.put(id, current.withStatus(status, details, stats));
        return true;
    }

    @Override
    public synchronized void updateContent(String id, long bytes, String sha256, String blobKey) {
        records.computeIfPresent(id, (k, r) -> r.withContent(bytes, sha256, blobKey));
    }

    @Override
    public synchronized boolean delete(String id) {
        return records.remove(id) != null;
    }

    @Override
    public synchronized List<FileRecord> unfinished() {
        return records.values().stream()
                .filter(r -> r.status() == FileStatus.PENDING || r.status() == FileStatus.RUNNING)
                .sorted(OLDEST_FIRST)
                .toList();
    }

    private static boolean visible(FileRecord r) {
        return r.status() != FileStatus.DELETED;
    }
}
