package dev.whetstone.data.prepare;

import static dev.whetstone.data.prepare.PrepareFixtures.chat;
import static dev.whetstone.data.prepare.PrepareFixtures.dataset;
import static dev.whetstone.data.prepare.PrepareFixtures.findings;
import static dev.whetstone.data.prepare.PrepareFixtures.lines;
import static dev.whetstone.data.prepare.PrepareFixtures.pair;
import static dev.whetstone.data.prepare.PrepareFixtures.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.data.ChatExample;
import dev.whetstone.data.PromptCompletionExample;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each prepare-data analysis on data that has its problem: what it reports, and what its fix does. */
class PrepareAnalysesTest {
    @TempDir Path dir;

    @Test
    void duplicatesAreReportedWithTheRowTheyRepeatAndRemovedOnAccept() throws Exception {
        Dataset data = dataset(dir, lines(120, i -> chat("Q" + (i % 110), "A" + (i % 110))));
        List<Finding> found = findings(run(data, ModelTarget.none(), true), "duplicates");
        assertThat(found).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.rowCount()).isEqualTo(10);
            assertThat(f.rows().getFirst()).isEqualTo(new RowNote(111, "same as line 1"));
        });
        assertThat(data.drafts()).hasSize(110);
    }

    @Test
    void declinedFixesLeaveTheDataAsItWas() throws Exception {
        Dataset data = dataset(dir, lines(120, i -> chat("Q" + (i % 110), "A" + (i % 110))));
        List<Preparation.Decided> decided = run(data, ModelTarget.none(), false);
        assertThat(decided).allMatch(d -> !d.applied());
        assertThat(data.drafts()).hasSize(120);
    }

    @Test
    void anEmptyCompletionIsAnErrorAndAnEmptyPromptAWarning() throws Exception {
        Dataset data = dataset(dir, lines(110, i -> i == 3 ? pair("p3", "  ") : i == 5 ? pair(" \n", "c5") : pair("p" + i, "c" + i)));
        List<Finding> found = findings(run(data, ModelTarget.none(), true), "empty-fields");
        assertThat(found).extracting(Finding::severity).containsExactly(Severity.ERROR, Severity.WARNING);
        assertThat(found.get(0).rows()).containsExactly(new RowNote(4, "empty completion"));
        assertThat(found.get(1).rows()).containsExactly(new RowNote(6, "empty prompt"));
        assertThat(data.drafts()).hasSize(108).allMatch(d -> d.example() != null);
    }

    @Test
    void chatTextsWithSurroundingWhitespaceAreStripped() throws Exception {
        Dataset data = dataset(dir, lines(100, i -> chat(i == 0 ? "  Hello " : "Q" + i, i == 1 ? "Hi!\n" : "A" + i)));
        Finding f = findings(run(data, ModelTarget.none(), true), "whitespace").getFirst();
        assertThat(f.rowCount()).isEqualTo(2);
        assertThat(f.rows().getFirst().excerpt()).isEqualTo("user: \"  Hello \"");
        ChatExample first = (ChatExample) data.drafts().get(0).example();
        ChatExample second = (ChatExample) data.drafts().get(1).example();
        assertThat(first.messages().get(0).text()).isEqualTo("Hello");
        assertThat(second.messages().get(1).text()).isEqualTo("Hi!");
    }

    @Test
    void promptsGetACommonSeparatorAndCompletionsASpaceAndAStopSequence() throws Exception {
        Dataset data = dataset(dir, lines(100, i -> pair(" Translate " + i + "  ", "word" + i)));
        List<Preparation.Decided> decided = run(data, ModelTarget.none(), true);
        assertThat(findings(decided, "whitespace")).singleElement().extracting(Finding::rowCount).isEqualTo(100L);
        assertThat(findings(decided, "prompt-separator")).singleElement().extracting(Finding::severity).isEqualTo(Severity.SUGGESTION);
        assertThat(findings(decided, "completion-start")).hasSize(1);
        assertThat(findings(decided, "completion-stop")).hasSize(1);
        PromptCompletionExample first = (PromptCompletionExample) data.drafts().getFirst().example();
        assertThat(first.prompt()).isEqualTo("Translate 0\n\n###\n\n");
        assertThat(first.completion()).isEqualTo(" word0\n");

        List<Preparation.Decided> again = run(data, ModelTarget.none(), true);
        assertThat(again).as("a prepared file passes its own checks").extracting(d -> d.finding().severity())
                .containsOnly(Severity.INFO);
    }

    @Test
    void multiLineCompletionsStopOnEndAndPromptsHoldingHashesGetTheArrow() throws Exception {
        Dataset data = dataset(dir, lines(100, i -> pair("### heading " + i, " line one\nline " + i)));
        run(data, ModelTarget.none(), true);
        PromptCompletionExample first = (PromptCompletionExample) data.drafts().getFirst().example();
        assertThat(first.prompt()).isEqualTo("### heading 0 ->");
        assertThat(first.completion()).isEqualTo(" line one\nline 0 END");
    }

    @Test
    void aCommonSeparatorIsOnlyNoted() throws Exception {
        Dataset data = dataset(dir, lines(100, i -> pair("Q" + i + " ->", " A" + i + "\n")));
        List<Preparation.Decided> decided = run(data, ModelTarget.none(), true);
        assertThat(findings(decided, "prompt-separator")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.INFO);
            assertThat(f.fix()).isNull();
        });
        assertThat(findings(decided, "completion-stop")).isEmpty();
    }

    @Test
    void examplesLongerThanTheContextAreReportedWithTheirTokenCounts() throws Exception {
        Dataset data = dataset(dir, lines(100, i -> chat("Q" + i, i < 2 ? "x".repeat(400) : "A" + i)));
        ModelTarget small = new ModelTarget("small", true, 50, TokenCounter.ESTIMATE);
        Finding f = findings(run(data, small, true), "long-examples").getFirst();
        assertThat(f.message()).contains("2 lines are longer than model 'small''s context of 50 tokens").contains("estimated");
        assertThat(f.rows()).extracting(RowNote::excerpt).containsOnly("101 tokens");
        assertThat(data.drafts()).hasSize(98);
    }

    @Test
    void examplesTheTokenizerRefusesAreErrors() throws Exception {
        Dataset data = dataset(dir, lines(100, i -> chat("Q" + i, "A" + i)));
        TokenCounter picky = new TokenCounter() {
            @Override public long count(dev.whetstone.data.TrainingExample e) {
                if (((ChatExample) e).messages().getFirst().text().equals("Q7")) throw new RefusedException("roles must alternate");
                return 5;
            }
            @Override public boolean exact() { return true; }
        };
        Finding f = findings(run(data, new ModelTarget("m", true, 100, picky), false), "tokenizer").getFirst();
        assertThat(f.severity()).isEqualTo(Severity.ERROR);
        assertThat(f.rows()).containsExactly(new RowNote(8, "roles must alternate"));
    }

    @Test
    void tooFewExamplesIsAnErrorAndFewAWarning() throws Exception {
        assertThat(findings(run(dataset(dir, lines(9, i -> chat("Q" + i, "A" + i))), ModelTarget.none(), true), "example-count"))
                .singleElement().satisfies(f -> {
                    assertThat(f.severity()).isEqualTo(Severity.ERROR);
                    assertThat(f.message()).contains("9 examples").contains("at least 10");
                });
        assertThat(findings(run(dataset(dir, lines(40, i -> chat("Q" + i, "A" + i))), ModelTarget.none(), true), "example-count"))
                .singleElement().extracting(Finding::severity).isEqualTo(Severity.WARNING);
        assertThat(findings(run(dataset(dir, lines(100, i -> chat("Q" + i, "A" + i))), ModelTarget.none(), true), "example-count"))
                .isEmpty();
    }

    @Test
    void labelLikeAnswersSuggestAValidationSplit() throws Exception {
        Dataset data = dataset(dir, lines(100, i -> chat("Review " + i, i % 3 == 0 ? "positive" : "negative")));
        Finding f = findings(run(data, ModelTarget.none(), true), "classification").getFirst();
        assertThat(f.message()).contains("classification into 2 classes (positive, negative)");
        assertThat(data.validationSplit()).isEqualTo(0.2);
        assertThat(Totals.of(data, new PrepareContext(ModelTarget.none(), null)).validationExamples()).isEqualTo(20);

        Dataset free = dataset(dir, lines(100, i -> chat("Q" + i, "A free answer number " + i)));
        assertThat(findings(run(free, ModelTarget.none(), true), "classification")).isEmpty();
    }

    @Test
    void missingAssistantTurnsAreErrorsAndRolesOutOfOrderWarnings() throws Exception {
        String noAssistant = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        String assistantFirst = "{\"messages\":[{\"role\":\"assistant\",\"content\":\"Hello\"},{\"role\":\"user\",\"content\":\"Hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"Yes?\"}]}";
        Dataset data = dataset(dir, lines(100, i -> i == 0 ? noAssistant : i == 1 ? assistantFirst : chat("Q" + i, "A" + i)));
        List<Finding> found = findings(run(data, ModelTarget.none(), false), "chat-turns");
        assertThat(found).extracting(Finding::severity).containsExactly(Severity.ERROR, Severity.WARNING);
        assertThat(found.get(0).rows()).containsExactly(new RowNote(1, "roles: user"));
        assertThat(found.get(1).rows()).containsExactly(new RowNote(2, "roles: assistant, user, assistant"));
    }

    @Test
    void badWeightsAreErrorsThatTheFixClearsAndZeroWeightsAreNoted() throws Exception {
        String weighted = "{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"},{\"role\":\"assistant\",\"content\":\"A\",\"weight\":%s},"
                + "{\"role\":\"user\",\"content\":\"Q2\"},{\"role\":\"assistant\",\"content\":\"A2\"}]}";
        Dataset data = dataset(dir, lines(100, i -> i == 0 ? weighted.formatted("2") : i == 1 ? weighted.formatted("0")
                : chat("Q" + i, "A" + i)));
        List<Preparation.Decided> decided = run(data, ModelTarget.none(), true);
        List<Finding> found = findings(decided, "chat-weights");
        assertThat(found).extracting(Finding::severity).containsExactly(Severity.ERROR, Severity.INFO);
        assertThat(found.get(0).rows().getFirst().excerpt()).isEqualTo("weight 2 on a assistant message");
        assertThat(data.drafts().getFirst().example()).isNotNull();
        assertThat(findings(decided, "invalid")).isEmpty();
    }

    @Test
    void imagePartsAreCounted() throws Exception {
        String image = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is it?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.png\"}}]},"
                + "{\"role\":\"assistant\",\"content\":\"A cat.\"}]}";
        Dataset data = dataset(dir, lines(100, i -> i < 3 ? image.replace("cat.png", i + ".png") : chat("Q" + i, "A" + i)));
        Finding f = findings(run(data, ModelTarget.none(), false), "chat-images").getFirst();
        assertThat(f.message()).startsWith("3 lines hold 3 images");
    }

    @Test
    void linesTheServiceRefusesCarryTheServicesReason() throws Exception {
        String bot = "{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"},{\"role\":\"assistant\",\"content\":\"A\","
                + "\"wieght\":1}]}";
        Dataset data = dataset(dir, lines(100, i -> i == 4 ? bot : chat("Q" + i, "A" + i)));
        Finding f = findings(run(data, ModelTarget.none(), true), "invalid").getFirst();
        assertThat(f.rows()).singleElement().satisfies(r -> {
            assertThat(r.row()).isEqualTo(5);
            assertThat(r.excerpt()).isEqualTo("messages[1].wieght: unknown key 'wieght'; allowed: role, content, weight, name, tool_calls, function_call, tool_call_id");
        });
        assertThat(data.drafts()).hasSize(99);
    }

    @Test
    void totalsUseTheAutoEpochRule() throws Exception {
        Dataset data = dataset(dir, lines(20, i -> chat("Q" + i, "abcdefgh")));
        Totals totals = Totals.of(data, new PrepareContext(ModelTarget.none(), null));
        assertThat(totals.examples()).isEqualTo(20);
        assertThat(totals.epochs()).isEqualTo(5);
        assertThat(totals.tokens()).isEqualTo(20 * 3);
        assertThat(totals.trainedTokens()).isEqualTo(300);
        assertThat(Totals.of(data, new PrepareContext(ModelTarget.none(), 2)).trainedTokens()).isEqualTo(120);
    }
}
