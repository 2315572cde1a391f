package dev.whetstone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.azure.credential.AzureApiKeyCredential;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official openai-java client chats with a deployment, whole and streamed, in Azure LEGACY and AUTO modes. */
class OpenAiJavaChatTest {
    @TempDir Path dir;
    InferenceFixture fx;
    OpenAIClient azure;

    @BeforeEach
    void start() throws Exception {
        fx = new InferenceFixture(dir);
        fx.engine.reply("What is Whetstone?", "A self-hosted fine-tuning service.");
        azure = fx.ts.azureClient();
    }

    @AfterEach
    void stop() {
        azure.close();
        fx.close();
    }

    private static ChatCompletionCreateParams question(String deployment) {
        return ChatCompletionCreateParams.builder().model(deployment)
                .addSystemMessage("You answer in one sentence.").addUserMessage("What is Whetstone?")
                .maxTokens(64).temperature(0.0).build();
    }

    @Test
    void chatsWholeAndStreamedInAzureMode() {
        ChatCompletion completion = azure.chat().completions().create(question("chat"));
        assertThat(completion.choices().getFirst().message().content()).hasValue("A self-hosted fine-tuning service.");
        assertThat(completion.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.model()).isEqualTo("tiny-chat.ft-abc");
        assertThat(completion.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(4));

        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = azure.chat().completions().createStreaming(question("chat"))) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(streamed::append)));
        }
        assertThat(streamed).hasToString("A self-hosted fine-tuning service.");
    }

    @Test
    void anUnknownDeploymentIsATypedNotFound() {
        assertThatThrownBy(() -> azure.chat().completions().create(question("missing")))
                .isInstanceOfSatisfying(NotFoundException.class, e ->
                        assertThat(e.code()).hasValue("DeploymentNotFound"));
    }

    @Test
    void autoModeOnAPlainHostUsesTheRootPaths() throws Exception {
        OpenAIClient auto = OpenAIOkHttpClient.builder().baseUrl(fx.ts.base)
                .credential(AzureApiKeyCredential.create(TestServer.KEY)).maxRetries(0).build();
        try {
            ChatCompletion completion = auto.chat().completions().create(question("chat"));
            assertThat(completion.choices().getFirst().message().content()).hasValue("A self-hosted fine-tuning service.");
            Completion text = auto.completions().create(CompletionCreateParams.builder()
                    .model("legacy").prompt("Say").maxTokens(8).build());
            assertThat(text.choices().getFirst().text()).isEqualTo("echo: Say");
        } finally {
            auto.close();
        }
        String metrics = fx.ts.get("/metrics").body();
        assertThat(metrics).contains("route=\"/chat/completions\"").contains("route=\"/completions\"");
    }
}
