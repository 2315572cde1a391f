package dev.whetstone.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.jobs.JobEvent;
import dev.whetstone.jobs.MetricsRow;
import dev.whetstone.store.JobEventStore;
import dev.whetstone.store.Page;
import dev.whetstone.store.PageRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link JobEventStore} adapter must have. Subclass once per adapter. */
public abstract class JobEventStoreContract {
    protected JobEventStore store;

    protected abstract JobEventStore emptyStore() throws Exception;

    @BeforeEach
    final void setUpStore() throws Exception {
        store = emptyStore();
    }

    static JobEvent message(String id, String jobId, String text) {
        return new JobEvent(id, jobId, 1_700_000_000L, 0, "info", "message", text, null);
    }

    @Test
    void appendNumbersEachJobsEventsFromOneAndKeepsEveryField() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("step", 10);
        data.put("train_loss", 1.25);
        data.put("valid_loss", null);
        data.put("tokens_seen", 5_000_000_000L);
        data.put("note", "ü \"q\"");
        data.put("ok", true);
        data.put("nested", Map.of("a", List.of(1, 2.5, "x")));
        JobEvent metrics = new JobEvent("ftevent-m", "ftjob-a", 1_700_000_123L, 99, "warning", "metrics",
                "Step 10: training loss=1.25", data);

        JobEvent first = store.append(message("ftevent-1", "ftjob-a", "Job enqueued."));
        JobEvent other = store.append(message("ftevent-x", "ftjob-b", "other job"));
        JobEvent second = store.append(metrics);

        assertThat(first.seq()).isEqualTo(1);
        assertThat(other.seq()).isEqualTo(1);
        assertThat(second.seq()).isEqualTo(2);
        assertThat(second).isEqualTo(new JobEvent("ftevent-m", "ftjob-a", 1_700_000_123L, 2, "warning", "metrics",
                "Step 10: training loss=1.25", data));
        List<JobEvent> listed = store.list("ftjob-a", PageRequest.first(10)).data();
        assertThat(listed).containsExactly(second, first);
        assertThat(listed.getFirst().data()).isEqualTo(data);
        assertThat(listed.get(1).data()).isNull();
    }

    @Test
    void listIsNewestFirstPagedByEventIdWithAnEmptyPageAfterTheLast() {
        for (int i = 1; i <= 5; i++) store.append(message("ftevent-" + i, "ftjob-a", "event " + i));

        Page<JobEvent> first = store.list("ftjob-a", PageRequest.first(2));
        assertThat(ids(first)).containsExactly("ftevent-5", "ftevent-4");
        assertThat(first.hasMore()).isTrue();
        Page<JobEvent> second = store.list("ftjob-a", new PageRequest("ftevent-4", 2, false));
        assertThat(ids(second)).containsExactly("ftevent-3", "ftevent-2");
        assertThat(second.hasMore()).isTrue();
        Page<JobEvent> third = store.list("ftjob-a", new PageRequest("ftevent-2", 2, false));
        assertThat(ids(third)).containsExactly("ftevent-1");
        assertThat(third.hasMore()).isFalse();
        Page<JobEvent> fourth = store.list("ftjob-a", new PageRequest("ftevent-1", 2, false));
        assertThat(fourth.data()).isEmpty();
        assertThat(fourth.hasMore()).isFalse();

        assertThat(ids(store.list("ftjob-a", new PageRequest("ftevent-2", 2, true)))).containsExactly("ftevent-3", "ftevent-4");
        assertThat(store.list("ftjob-a", new PageRequest("ftevent-unknown", 2, false)).data()).isEmpty();
        assertThat(store.list("ftjob-none", PageRequest.first(2)).data()).isEmpty();
    }

    @Test
    void eventsOfOtherJobsNeverAppearEvenAsCursors() {
        store.append(message("ftevent-a1", "ftjob-a", "a1"));
        store.append(message("ftevent-b1", "ftjob-b", "b1"));
        store.append(message("ftevent-a2", "ftjob-a", "a2"));

        assertThat(ids(store.list("ftjob-a", PageRequest.first(10)))).containsExactly("ftevent-a2", "ftevent-a1");
        assertThat(store.list("ftjob-a", new PageRequest("ftevent-b1", 10, false)).data()).isEmpty();
    }

    @Test
    void metricsRowsAreKeyedByStepSoReplayingAStepReplacesIt() {
        store.putMetrics("ftjob-a", new MetricsRow(2, 2.0, 0.5, null, null, null, null));
        store.putMetrics("ftjob-a", new MetricsRow(1, 3.0, 0.25, 2.5, 0.3, 2.25, 0.35));
        store.putMetrics("ftjob-b", new MetricsRow(1, 9.0, 0.0, null, null, null, null));
        MetricsRow replayed = new MetricsRow(2, 1.875, 0.625, 1.5, null, null, 0.75);
        store.putMetrics("ftjob-a", replayed);

        assertThat(store.metrics("ftjob-a")).containsExactly(
                new MetricsRow(1, 3.0, 0.25, 2.5, 0.3, 2.25, 0.35), replayed);
        assertThat(store.metrics("ftjob-b")).hasSize(1);
        assertThat(store.metrics("ftjob-none")).isEmpty();
    }

    @Test
    void dpoRowsKeepTheirRewardColumnsAndSupervisedRowsStaySupervised() {
        MetricsRow dpo = new MetricsRow(1, 0.5, 0.75, 0.625, 0.5, null, null, 0.875, 1.25, 0.5, -0.125);
        MetricsRow validationLess = new MetricsRow(2, 0.25, 0.875, null, null, null, null, 1.0, 2.5, null, null);
        store.putMetrics("ftjob-a", dpo);
        store.putMetrics("ftjob-a", validationLess);
        store.putMetrics("ftjob-b", new MetricsRow(1, 3.0, 0.25, null, null, null, null));
        assertThat(store.metrics("ftjob-a")).containsExactly(dpo, validationLess);
        assertThat(store.metrics("ftjob-a")).allMatch(MetricsRow::preference);
        MetricsRow supervised = store.metrics("ftjob-b").getFirst();
        assertThat(supervised.preference()).isFalse();
        assertThat(supervised.trainRewardMargin()).isNull();
    }

    @Test
    void reinforcementRowsKeepTheirOwnColumns() {
        MetricsRow evaluated = new MetricsRow(10, 0.0625, 0.5, null, null, null, null, null, null, null, null, 0.75,
                1.0, 0.125, 12.5);
        MetricsRow plain = new MetricsRow(11, -0.25, 0.375, null, null, null, null, null, null, null, null, 0.875,
                null, 0.25, 9.0);
        store.putMetrics("ftjob-b", evaluated);
        store.putMetrics("ftjob-b", plain);
        assertThat(store.metrics("ftjob-b")).containsExactly(evaluated, plain);
        assertThat(store.metrics("ftjob-b")).allMatch(r -> r.kind() == MetricsRow.Kind.REINFORCEMENT);
    }

    @Test
    void manyRowsComeBackInStepOrder() {
        List<MetricsRow> expected = new ArrayList<>();
        for (int step = 1; step <= 120; step++) expected.add(new MetricsRow(step, 10.0 / step, step / 200.0, null, null, null, null));
        for (int i = expected.size() - 1; i >= 0; i--) store.putMetrics("ftjob-a", expected.get(i));
        assertThat(store.metrics("ftjob-a")).containsExactlyElementsOf(expected);
    }

    @Test
    void deleteAllRemovesOneJobsEventsAndRowsOnly() {
        store.append(message("ftevent-a1", "ftjob-a", "a1"));
        store.append(message("ftevent-b1", "ftjob-b", "b1"));
        store.putMetrics("ftjob-a", new MetricsRow(1, 1.0, 0.5, null, null, null, null));
        store.putMetrics("ftjob-b", new MetricsRow(1, 1.0, 0.5, null, null, null, null));

        store.deleteAll("ftjob-a");
        store.deleteAll("ftjob-none");

        assertThat(store.list("ftjob-a", PageRequest.first(10)).data()).isEmpty();
        assertThat(store.metrics("ftjob-a")).isEmpty();
        assertThat(ids(store.list("ftjob-b", PageRequest.first(10)))).containsExactly("ftevent-b1");
        assertThat(store.metrics("ftjob-b")).hasSize(1);
        assertThat(store.append(message("ftevent-a2", "ftjob-a", "again")).seq()).isGreaterThanOrEqualTo(1);
    }

    private static List<String> ids(Page<JobEvent> page) {
        return page.data().stream().map(JobEvent::id).toList();
    }
}
