package dev.whetstone.worker;

import dev.whetstone.error.ApiException;
import dev.whetstone.files.FilePurpose;
import dev.whetstone.files.FileService;
import dev.whetstone.jobs.MetricsRow;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's results.csv (docs/reference/API.md 3.12): created when the job first starts, so it can be read while the job runs, and
 * rewritten from the stored metrics rows as training goes on. One row per step; empty cells where a value is missing.
 */
final class ResultsFile {
    private static final Logger LOG = LoggerFactory.getLogger(ResultsFile.class);

    private final FileService files;

    ResultsFile(FileService files) {
        this.files = files;
    }

    /**
     * Creates an empty results file (header only) and returns its id.
     *
     * @param kind which metric columns the job's file has
     */
    String create(MetricsRow.Kind kind) throws IOException {
        return files.createGenerated(FilePurpose.FINE_TUNE_RESULTS, "results.csv", stream(List.of(), kind)).id();
    }

    /** Rewrites the file; a results file the user deleted meanwhile is left deleted. */
    void refresh(String fileId, List<MetricsRow> rows, MetricsRow.Kind kind) {
        try {
            files.replaceGeneratedContent(fileId, stream(rows, kind));
        } catch (ApiException e) {
            LOG.info("results file {} not refreshed: {}", fileId, e.getMessage());
        } catch (IOException e) {
            LOG.warn("results file {} not refreshed: {}", fileId, e.toString());
        }
    }

    /** Supervised jobs' files have the documented seven columns; DPO jobs' add the reward columns after them. */
    static String render(List<MetricsRow> rows, MetricsRow.Kind kind) {
        StringBuilder csv = new StringBuilder(MetricsRow.csvHeader(kind)).append('\n');
        for (MetricsRow r : rows) csv.append(r.csvLine(kind)).append('\n');
        return csv.toString();
    }

    private static ByteArrayInputStream stream(List<MetricsRow> rows, MetricsRow.Kind kind) {
        return new ByteArrayInputStream(render(rows, kind).getBytes(StandardCharsets.UTF_8));
    }
}
