package dev.whetstone.data.prepare;

import static dev.whetstone.data.prepare.PrepareFixtures.chat;
import static dev.whetstone.data.prepare.PrepareFixtures.dataset;
import static dev.whetstone.data.prepare.PrepareFixtures.lines;
import static dev.whetstone.data.prepare.PrepareFixtures.pair;
import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.data.TrainingFileValidator;
import dev.whetstone.data.ValidationReport;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing the prepared files, and the verdict: the upload validator's report as the Files API computes it. */
class PreparedFilesTest {
    @TempDir Path dir;

    static ValidationReport uploadValidation(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return new TrainingFileValidator().validate(in);
        }
    }

    @Test
    void theFileStartsWithABomAndTheVerdictIsTheValidatorsReport() throws Exception {
        Dataset data = dataset(dir, lines(12, i -> chat("Q" + i, "A" + i)));
        Path out = dir.resolve("out.jsonl");
        List<PreparedFiles.Verdict> verdicts = PreparedFiles.write(data, out, dir.resolve("v.jsonl"), ModelTarget.none());
        byte[] bytes = Files.readAllBytes(out);
        assertThat(bytes).startsWith(0xEF, 0xBB, 0xBF);
        assertThat(new String(bytes, StandardCharsets.UTF_8).lines()).hasSize(12);
        assertThat(verdicts).singleElement().satisfies(v -> {
            assertThat(v.ok()).isTrue();
            assertThat(v.report()).isEqualTo(uploadValidation(out));
        });
    }

    @Test
    void invalidLinesAndTooFewExamplesFailWithTheServicesWords() throws Exception {
        Dataset bad = dataset(dir, lines(12, i -> pair("p" + i, i == 2 ? "" : "c" + i)));
        Path out = dir.resolve("bad.jsonl");
        PreparedFiles.Verdict verdict = PreparedFiles.write(bad, out, dir.resolve("v.jsonl"), ModelTarget.none()).getFirst();
        assertThat(verdict.ok()).isFalse();
        assertThat(verdict.report()).isEqualTo(uploadValidation(out));
        assertThat(verdict.report().summary()).isEqualTo("Line 3, completion: completion must not be empty: it is the text the model learns.");

        Dataset few = dataset(dir, lines(4, i -> pair("p" + i, "c" + i)));
        PreparedFiles.Verdict small = PreparedFiles.write(few, dir.resolve("few.jsonl"), dir.resolve("v.jsonl"),
                new ModelTarget("tiny-chat", true, 1024, TokenCounter.ESTIMATE)).getFirst();
        assertThat(small.report().ok()).isTrue();
        assertThat(small.requirement()).startsWith("The training file is in prompt_completion format, but model 'tiny-chat' is a chat model");
    }

    @Test
    void aSplitWritesBothFilesAndEachIsJudged() throws Exception {
        Dataset data = new Dataset("line", null, dataset(dir, lines(20, i -> chat("Q" + i, "A" + i))).drafts(), 0.5);
        List<PreparedFiles.Verdict> verdicts = PreparedFiles.write(data, dir.resolve("t.jsonl"), dir.resolve("v.jsonl"), ModelTarget.none());
        assertThat(verdicts).extracting(PreparedFiles.Verdict::training).containsExactly(true, false);
        assertThat(verdicts).extracting(v -> v.report().statistics().examples()).containsExactly(10L, 10L);
        assertThat(verdicts).allMatch(PreparedFiles.Verdict::ok);
    }
}
