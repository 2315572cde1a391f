package dev.whetstone.server;

import static dev.whetstone.server.JobClient.chatLines;
import static dev.whetstone.server.JobClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.models.finetuning.jobs.FineTuningJob;
import com.openai.models.finetuning.jobs.FineTuningJobEvent;
import com.openai.models.finetuning.jobs.JobCreateParams;
import com.openai.models.finetuning.jobs.JobListParams;
import dev.whetstone.testing.FakeTrainer;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Job {@code metadata} and {@code integrations} over HTTP: stored, returned and filterable through openai-java in
 * Azure mode; every malformed shape and broken limit a 400 naming the field.
 */
class JobMetadataTest {
    @TempDir Path dir;
    FakeTrainer trainer = new FakeTrainer();
    TestServer ts;
    JobClient jobs;
    OpenAIClient client;
    String training;

    @BeforeEach
    void start() throws Exception {
        ts = TestServer.withJobs(dir, trainer, 0, Clock.systemUTC(), 20); // no worker: jobs stay pending
        jobs = new JobClient(ts);
        client = ts.azureClient();
        training = jobs.upload("training_set.jsonl", chatLines(10));
    }

    @AfterEach
    void stop() {
        trainer.release();
        client.close();
        ts.close();
    }

    @Test
    void metadataAndIntegrationsAreStoredReturnedAndFilterableThroughTheJavaSdk() {
        FineTuningJob tagged = client.fineTuning().jobs().create(JobCreateParams.builder()
                .model("tiny-chat").trainingFile(training)
                .metadata(JobCreateParams.Metadata.builder()
                        .putAdditionalProperty("team", JsonValue.from("search"))
                        .putAdditionalProperty("run", JsonValue.from("nightly 7")).build())
                .addIntegration(JobCreateParams.Integration.builder()
                        .wandb(JobCreateParams.Integration.Wandb.builder().project("ranker").entity("acme")
                                .addTag("baseline").build()).build())
                .build());
        FineTuningJob other = client.fineTuning().jobs().create(JobCreateParams.builder()
                .model("tiny-chat").trainingFile(training)
                .metadata(JobCreateParams.Metadata.builder()
                        .putAdditionalProperty("team", JsonValue.from("ads")).build()).build());
        FineTuningJob plain = client.fineTuning().jobs().create(JobCreateParams.builder()
                .model("tiny-chat").trainingFile(training).build());

        FineTuningJob read = client.fineTuning().jobs().retrieve(tagged.id());
        assertThat(read.metadata().orElseThrow()._additionalProperties())
                .isEqualTo(Map.of("team", JsonValue.from("search"), "run", JsonValue.from("nightly 7")));
        var integration = read.integrations().orElseThrow().getFirst();
        assertThat(integration.wandb().project()).isEqualTo("ranker");
        assertThat(integration.wandb().entity()).contains("acme");
        assertThat(integration.wandb().name()).isEmpty();
        assertThat(integration.wandb().tags().orElseThrow()).containsExactly("baseline");
        assertThat(client.fineTuning().jobs().retrieve(plain.id()).metadata()).isEmpty();
        assertThat(client.fineTuning().jobs().retrieve(plain.id()).integrations()).isEmpty();

        List<String> messages = client.fineTuning().jobs().listEvents(tagged.id()).data().stream()
                .map(FineTuningJobEvent::message).toList();
        assertThat(messages).anyMatch(m -> m.contains("wandb integration") && m.contains("not called"));
        assertThat(client.fineTuning().jobs().listEvents(plain.id()).data().stream().map(FineTuningJobEvent::message))
                .noneMatch(m -> m.contains("integration"));

        assertThat(client.fineTuning().jobs().list(JobListParams.builder().metadata(JobListParams.Metadata.builder()
                .putAdditionalProperty("team", "search").build()).build()).data())
                .extracting(FineTuningJob::id).containsExactly(tagged.id());
        assertThat(client.fineTuning().jobs().list().data()).extracting(FineTuningJob::id)
                .containsExactly(plain.id(), other.id(), tagged.id());
    }

    @Test
    void theListFilterFollowsOpenAisQuerySyntax() throws Exception {
        String a = jobs.createOk(create("\"metadata\": {\"team\": \"search\", \"env\": \"prod\"}"));
        String b = jobs.createOk(create("\"metadata\": {\"team\": \"search\"}"));
        String c = jobs.createOk(create("\"metadata\": null"));

        assertThat(list("metadata[team]=search")).containsExactly(b, a);
        assertThat(list("metadata[team]=search&metadata[env]=prod")).as("every pair must match").containsExactly(a);
        assertThat(list("metadata[team]=" + URLEncoder.encode("search ", StandardCharsets.UTF_8))).isEmpty();
        assertThat(list("metadata=null")).containsExactly(c);
        assertThat(list("metadata[team]=search&limit=1")).containsExactly(b);
        assertThat(list("metadata[team]=search&after=" + b)).containsExactly(a);

        expect400(ts.get(jobsWith("metadata=team")), "metadata", "metadata[key]=value");
        expect400(ts.get(jobsWith("metadata=null&metadata[team]=x")), "metadata", "cannot be combined");
        expect400(ts.get(jobsWith("metadata.team=x")), "metadata.team", "Unknown query parameter");
        expect400(ts.get(jobsWith("metadata[team]=x&metadata[team]=y")), "metadata[team]", "2 times");
    }

    @Test
    void malformedMetadataAndIntegrationsAreRefusedNamingTheField() throws Exception {
        String seventeen = IntStream.range(0, 17).mapToObj(i -> "\"k" + i + "\": \"v\"").collect(Collectors.joining(","));
        expect400(jobs.create(create("\"metadata\": {" + seventeen + "}")), "metadata", "at most 16");
        expect400(jobs.create(create("\"metadata\": {\"" + "k".repeat(65) + "\": \"v\"}")), "metadata", "at most 64");
        expect400(jobs.create(create("\"metadata\": {\"k\": \"" + "v".repeat(513) + "\"}")), "metadata.k", "at most 512");
        expect400(jobs.create(create("\"metadata\": {\"k\": 5}")), "metadata.k", "must be a string");
        expect400(jobs.create(create("\"metadata\": [\"k\"]")), "metadata", "must be an object");
        expect400(jobs.create(create("\"integrations\": {\"type\": \"wandb\"}")), "integrations", "must be a list");
        expect400(jobs.create(create("\"integrations\": [{\"type\": \"slack\", \"wandb\": {\"project\": \"p\"}}]")),
                "integrations[0].type", "\"wandb\"");
        expect400(jobs.create(create("\"integrations\": [{\"type\": \"wandb\"}]")), "integrations[0].wandb", "project");
        expect400(jobs.create(create("\"integrations\": [{\"type\": \"wandb\", \"wandb\": {\"name\": \"n\"}}]")),
                "integrations[0].wandb.project", "non-empty string");
        expect400(jobs.create(create("\"integrations\": [{\"type\": \"wandb\", \"wandb\": {\"project\": \"p\", "
                + "\"tags\": [\"a\", 1]}}]")), "integrations[0].wandb.tags[1]", "must be a string");
        expect400(jobs.create(create("\"integrations\": [{\"type\": \"wandb\", \"wandb\": {\"project\": \"p\", "
                + "\"api_key\": \"secret\"}}]")), "integrations[0].wandb.api_key", "allowed: project, name, entity, tags");
        String six = IntStream.range(0, 6).mapToObj(i -> "{\"type\": \"wandb\", \"wandb\": {\"project\": \"p" + i + "\"}}")
                .collect(Collectors.joining(","));
        expect400(jobs.create(create("\"integrations\": [" + six + "]")), "integrations", "at most 5");

        String sixteen = IntStream.range(0, 16).mapToObj(i -> "\"k" + i + "\": \"" + "v".repeat(512) + "\"")
                .collect(Collectors.joining(","));
        String longKey = "\"" + "k".repeat(64) + "\": \"v\"";
        JsonNode atLimits = jobs.job(jobs.createOk(create("\"metadata\": {" + sixteen + "}")));
        assertThat(atLimits.get("metadata")).hasSize(16);
        assertThat(jobs.job(jobs.createOk(create("\"metadata\": {" + longKey + "}"))).get("metadata").fieldNames().next())
                .hasSize(64);
        assertThat(ts.stores.jobs().list(new dev.whetstone.store.PageRequest(null, 100, false)).data())
                .as("nothing partial: refused requests stored no job").hasSize(2);
    }

    private String create(String extra) {
        return "{\"model\": \"tiny-chat\", \"training_file\": \"" + training + "\", " + extra + "}";
    }

    private List<String> list(String query) throws Exception {
        HttpResponse<String> r = ts.get(jobsWith(query));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r).get("data").findValuesAsText("id").stream().filter(id -> id.startsWith("ftjob-")).toList();
    }

    /** The list path with a query whose brackets are percent-encoded (java.net.URI refuses them raw). */
    private static String jobsWith(String query) {
        return "/v1/fine_tuning/jobs?" + query.replace("[", "%5B").replace("]", "%5D");
    }

    private static void expect400(HttpResponse<String> r, String param, String inMessage) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode error = json(r).get("error");
        assertThat(error.get("param").asText()).as(r.body()).isEqualTo(param);
        assertThat(error.get("message").asText()).as(r.body()).contains(inMessage);
    }
}
