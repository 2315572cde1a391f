package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.core.http.HttpResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official openai-java client in Azure mode drives upload, list, retrieve, content and delete. */
class OpenAiJavaFilesTest {
    @TempDir Path dir;
    TestServer ts;
    OpenAIClient client;

    @BeforeEach
    void start() throws Exception {
        ts = TestServer.start(dir);
        client = ts.azureClient();
    }

    @AfterEach
    void stop() {
        client.close();
        ts.close();
    }

    @Test
    void uploadListRetrieveContentDelete() throws Exception {
        Path training = dir.resolve("training_set.jsonl");
        Files.write(training, FilesApiTest.trainingFile());

        FileObject created = client.files().create(FileCreateParams.builder()
                .file(training).purpose(FilePurpose.FINE_TUNE).build());
        assertThat(created.id()).startsWith("file-");
        assertThat(created.filename()).isEqualTo("training_set.jsonl");

        await().atMost(Duration.ofSeconds(10)).until(() ->
                client.files().retrieve(created.id()).status().asString().equals("processed"));
        assertThat(client.files().list().data()).extracting(FileObject::id).contains(created.id());

        try (HttpResponse content = client.files().content(created.id())) {
            assertThat(content.body().readAllBytes()).isEqualTo(FilesApiTest.trainingFile());
        }

        assertThat(client.files().delete(created.id()).deleted()).isTrue();
        assertThatThrownBy(() -> client.files().retrieve(created.id())).isInstanceOf(NotFoundException.class);
    }
}
