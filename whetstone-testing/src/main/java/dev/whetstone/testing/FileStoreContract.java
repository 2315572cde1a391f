package dev.whetstone.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whetstone.files.FilePurpose;
import dev.whetstone.files.FileRecord;
import dev.whetstone.files.FileStatistics;
import dev.whetstone.files.FileStatus;
import dev.whetstone.store.FileStore;
import dev.whetstone.store.Page;
import dev.whetstone.store.PageRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link FileStore} adapter must have. Subclass it once per adapter and return an empty
 * store from {@link #emptyStore()}; each test gets its own.
 */
public abstract class FileStoreContract {
    protected FileStore store;

    /** An empty store for one test (called before each test). */
    protected abstract FileStore emptyStore() throws Exception;

    @BeforeEach
    final void setUpStore() throws Exception {
        store = emptyStore();
    }

    protected static FileRecord file(String id, long createdAt, FilePurpose purpose, FileStatus status) {
        return new FileRecord(id, createdAt, id + ".jsonl", purpose, null, status, null, null, null, null);
    }

    @Test
    void insertedRecordIsFoundWithEveryField() {
        FileRecord full = new FileRecord("file-full", 1_700_000_000L, "d'ata \"ü\" ☃.jsonl", FilePurpose.FINE_TUNE,
                1234L, FileStatus.PROCESSED, "ok; 3 lines", "ab".repeat(32), "files/file-full",
                new FileStatistics("chat", 3, 456));
        FileRecord sparse = file("file-sparse", 1_700_000_001L, FilePurpose.FINE_TUNE_RESULTS, FileStatus.PENDING);
        FileRecord nullFormat = new FileRecord("file-nullformat", 0, "x", FilePurpose.FINE_TUNE, 0L, FileStatus.ERROR,
                "bad", null, null, new FileStatistics(null, 0, 0));
        store.insert(full);
        store.insert(sparse);
        store.insert(nullFormat);

        assertThat(store.find("file-full")).contains(full);
        assertThat(store.find("file-nullformat")).contains(nullFormat);
        assertThat(store.find("file-sparse")).contains(sparse);
        assertThat(store.find("file-missing")).isEmpty();
    }

    @Test
    void insertingAnExistingIdFails() {
        store.insert(file("file-a", 1, FilePurpose.FINE_TUNE, FileStatus.PENDING));
        assertThatThrownBy(() -> store.insert(file("file-a", 2, FilePurpose.BATCH, FileStatus.PENDING)))
                .isInstanceOf(RuntimeException.class);
        assertThat(store.find("file-a")).get().extracting(FileRecord::createdAt).isEqualTo(1L);
    }

    @Test
    void listIsNewestFirstByDefaultAndHasMoreIsExactAtThePageBoundary() {
        for (int i = 1; i <= 4; i++) store.insert(file("file-" + i, 100 + i, FilePurpose.FINE_TUNE, FileStatus.PENDING));

        Page<FileRecord> first = store.list(null, PageRequest.first(2));
        assertThat(ids(first)).containsExactly("file-4", "file-3");
        assertThat(first.hasMore()).isTrue();

        Page<FileRecord> second = store.list(null, new PageRequest("file-3", 2, false));
        assertThat(ids(second)).containsExactly("file-2", "file-1");
        assertThat(second.hasMore()).isFalse();

        Page<FileRecord> all = store.list(null, PageRequest.first(10));
        assertThat(ids(all)).containsExactly("file-4", "file-3", "file-2", "file-1");
        assertThat(all.hasMore()).isFalse();
    }

    @Test
    void ascendingOrderBreaksCreatedAtTiesById() {
        store.insert(file("file-c", 5, FilePurpose.FINE_TUNE, FileStatus.PENDING));
        store.insert(file("file-a", 5, FilePurpose.FINE_TUNE, FileStatus.PENDING));
        store.insert(file("file-b", 5, FilePurpose.FINE_TUNE, FileStatus.PENDING));
        store.insert(file("file-z", 4, FilePurpose.FINE_TUNE, FileStatus.PENDING));

        assertThat(ids(store.list(null, new PageRequest(null, 10, true))))
                .containsExactly("file-z", "file-a", "file-b", "file-c");
        Page<FileRecord> afterA = store.list(null, new PageRequest("file-a", 1, true));
        assertThat(ids(afterA)).containsExactly("file-b");
        assertThat(afterA.hasMore()).isTrue();
        assertThat(ids(store.list(null, new PageRequest("file-b", 5, false)))).containsExactly("file-a", "file-z");
    }

    @Test
    void listFiltersByPurposeAndHidesDeletedRecords() {
        store.insert(file("file-1", 1, FilePurpose.FINE_TUNE, FileStatus.PROCESSED));
        store.insert(file("file-2", 2, FilePurpose.FINE_TUNE_RESULTS, FileStatus.PROCESSED));
        store.insert(file("file-3", 3, FilePurpose.FINE_TUNE, FileStatus.DELETED));
        store.insert(file("file-4", 4, FilePurpose.FINE_TUNE, FileStatus.ERROR));

        assertThat(ids(store.list(FilePurpose.FINE_TUNE, PageRequest.first(10)))).containsExactly("file-4", "file-1");
        assertThat(ids(store.list(FilePurpose.FINE_TUNE_RESULTS, PageRequest.first(10)))).containsExactly("file-2");
        assertThat(ids(store.list(FilePurpose.BATCH, PageRequest.first(10)))).isEmpty();
        assertThat(ids(store.list(null, PageRequest.first(10)))).containsExactly("file-4", "file-2", "file-1");
        assertThat(store.find("file-3")).isEmpty();
    }

    @Test
    void aDeletedStatusRecordStillWorksAsCursorButAnUnknownCursorGivesAnEmptyPage() {
        for (int i = 1; i <= 3; i++) store.insert(file("file-" + i, i, FilePurpose.FINE_TUNE, FileStatus.PROCESSED));
        store.updateStatus("file-2", FileStatus.PROCESSED, FileStatus.DELETED, null, null);

        assertThat(ids(store.list(null, new PageRequest("file-2", 10, false)))).containsExactly("file-1");
        Page<FileRecord> unknown = store.list(null, new PageRequest("file-nope", 10, false));
        assertThat(unknown.data()).isEmpty();
        assertThat(unknown.hasMore()).isFalse();
    }

    @Test
    void pagingThroughEveryLimitAndDirectionVisitsEachRecordOnceInOrder() {
        Random random = new Random(42);
        List<FileRecord> inserted = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            String id = "file-" + Integer.toString(random.nextInt(1 << 20), 36) + (char) ('A' + random.nextInt(26)) + i;
            FileRecord r = file(id, 1000 + random.nextInt(5), FilePurpose.FINE_TUNE, FileStatus.PROCESSED);
            store.insert(r);
            inserted.add(r);
        }
        Comparator<FileRecord> oldestFirst = Comparator.comparingLong(FileRecord::createdAt)
                .thenComparing(FileRecord::id);
        for (boolean ascending : new boolean[] {true, false}) {
            List<String> expected = inserted.stream()
                    .sorted(ascending ? oldestFirst : oldestFirst.reversed()).map(FileRecord::id).toList();
            for (int limit : new int[] {1, 2, 5, 7, 23, 24}) {
                assertThat(walk(limit, ascending)).as("limit %d ascending %b", limit, ascending)
                        .containsExactlyElementsOf(expected);
            }
        }
    }

    private List<String> walk(int limit, boolean ascending) {
        List<String> seen = new ArrayList<>();
        String after = null;
        for (int guard = 0; guard < 100; guard++) {
            Page<FileRecord> page = store.list(null, new PageRequest(after, limit, ascending));
            seen.addAll(ids(page));
            if (!page.hasMore()) return seen;
            assertThat(page.data()).hasSize(limit);
            after = page.data().getLast().id();
        }
        throw new AssertionError("pagination did not end after 100 pages: " + seen);
    }

    @Test
    void imageCountsAndTheFirstImageLineRoundTripAndNullMeansNotCounted() {
        store.insert(file("file-a", 1, FilePurpose.FINE_TUNE, FileStatus.RUNNING));
        FileStatistics withImages = new FileStatistics("chat", 12, 900, 7L, 3L);
        assertThat(store.updateStatus("file-a", FileStatus.RUNNING, FileStatus.PROCESSED, null, withImages)).isTrue();
        assertThat(store.find("file-a")).get().extracting(FileRecord::statistics).isEqualTo(withImages);

        store.insert(file("file-b", 2, FilePurpose.FINE_TUNE, FileStatus.RUNNING));
        FileStatistics uncounted = new FileStatistics("chat", 12, 900, null, null);
        assertThat(store.updateStatus("file-b", FileStatus.RUNNING, FileStatus.PROCESSED, null, uncounted)).isTrue();
        assertThat(store.find("file-b")).get().satisfies(r -> {
            assertThat(r.statistics()).isEqualTo(uncounted);
            assertThat(r.statistics().hasImages()).isNull();
        });
    }

    @Test
    void updateStatusIsACompareAndSet() {
        store.insert(file("file-a", 1, FilePurpose.FINE_TUNE, FileStatus.RUNNING));
        FileStatistics stats = new FileStatistics("prompt_completion", 10, 2000);

        assertThat(store.updateStatus("file-a", FileStatus.PENDING, FileStatus.ERROR, "late", null)).isFalse();
        assertThat(store.find("file-a")).get().extracting(FileRecord::status).isEqualTo(FileStatus.RUNNING);

        assertThat(store.updateStatus("file-a", FileStatus.RUNNING, FileStatus.PROCESSED, "fine", stats)).isTrue();
        assertThat(store.find("file-a")).get().satisfies(r -> {
            assertThat(r.status()).isEqualTo(FileStatus.PROCESSED);
            assertThat(r.statusDetails()).isEqualTo("fine");
            assertThat(r.statistics()).isEqualTo(stats);
        });
        assertThat(store.updateStatus("file-a", FileStatus.RUNNING, FileStatus.ERROR, "again", null)).isFalse();
        assertThat(store.updateStatus("file-missing", FileStatus.RUNNING, FileStatus.ERROR, "x", null)).isFalse();
    }

    @Test
    void aValidatorCannotResurrectAFileDeletedMeanwhile() {
        store.insert(file("file-a", 1, FilePurpose.FINE_TUNE, FileStatus.RUNNING));
        assertThat(store.updateStatus("file-a", FileStatus.RUNNING, FileStatus.DELETED, null, null)).isTrue();
        assertThat(store.updateStatus("file-a", FileStatus.RUNNING, FileStatus.PROCESSED, "done", null)).isFalse();
        assertThat(store.find("file-a")).isEmpty();
    }

    @Test
    void updateContentSetsSizeHashAndKeyAndIgnoresUnknownIds() {
        store.insert(file("file-a", 1, FilePurpose.FINE_TUNE, FileStatus.PENDING));
        store.updateContent("file-a", 99, "cd".repeat(32), "files/file-a");
        store.updateContent("file-missing", 1, "x", "y");

        assertThat(store.find("file-a")).get().satisfies(r -> {
            assertThat(r.bytes()).isEqualTo(99L);
            assertThat(r.sha256()).isEqualTo("cd".repeat(32));
            assertThat(r.blobKey()).isEqualTo("files/file-a");
            assertThat(r.status()).isEqualTo(FileStatus.PENDING);
        });
        assertThat(store.find("file-missing")).isEmpty();
    }

    @Test
    void deleteRemovesTheRecordOnce() {
        store.insert(file("file-a", 1, FilePurpose.FINE_TUNE, FileStatus.PROCESSED));
        store.insert(file("file-b", 2, FilePurpose.FINE_TUNE, FileStatus.DELETED));

        assertThat(store.delete("file-a")).isTrue();
        assertThat(store.delete("file-a")).isFalse();
        assertThat(store.delete("file-b")).as("a deleted-status record still exists until removed").isTrue();
        assertThat(store.find("file-a")).isEmpty();
        assertThat(store.list(null, PageRequest.first(10)).data()).isEmpty();
    }

    @Test
    void unfinishedReturnsPendingAndRunningFilesOldestFirst() {
        store.insert(file("file-1", 5, FilePurpose.FINE_TUNE, FileStatus.RUNNING));
        store.insert(file("file-2", 1, FilePurpose.FINE_TUNE, FileStatus.PENDING));
        store.insert(file("file-3", 2, FilePurpose.FINE_TUNE, FileStatus.PROCESSED));
        store.insert(file("file-4", 3, FilePurpose.FINE_TUNE, FileStatus.ERROR));
        store.insert(file("file-5", 4, FilePurpose.FINE_TUNE, FileStatus.DELETED));

        assertThat(store.unfinished()).extracting(FileRecord::id).containsExactly("file-2", "file-1");
    }

    private static List<String> ids(Page<FileRecord> page) {
        return page.data().stream().map(FileRecord::id).toList();
    }
}
