package dev.whetstone.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.deployments.DeploymentLookup;
import dev.whetstone.deployments.LiveDeployment;
import dev.whetstone.engine.inference.ServingSpec;
import dev.whetstone.error.ApiException;
import dev.whetstone.server.api.Json;
import dev.whetstone.server.api.inference.InferenceApiOptions;
import dev.whetstone.testing.FakeInferenceEngine;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real server whose inference is served by the {@link FakeInferenceEngine} (a token is a word; a model answers
 * "echo: <last user text>" unless a reply is scripted). Deployments: {@code chat} (model {@code tiny-chat.ft-abc},
 * chat template), {@code vision} (the same, able to see) and {@code legacy} (model {@code tiny-completion}, no
 * chat template). Any other name is unknown (a plain 404, which the API must report as DeploymentNotFound).
 */
final class InferenceFixture implements AutoCloseable {
    static final String AZURE_CHAT = "/openai/deployments/chat/chat/completions?api-version=2024-10-21";
    static final String AZURE_COMPLETIONS = "/openai/deployments/legacy/completions?api-version=2024-10-21";

    final FakeInferenceEngine engine = new FakeInferenceEngine();
    final Map<String, LiveDeployment> deployments;
    final RecordingModel chat;
    final RecordingModel legacy;
    final RecordingModel vision;
    final FakeQuota quota = new FakeQuota();
    final TestServer ts;

    InferenceFixture(Path dir, Duration timeout) throws Exception {
        chat = new RecordingModel(engine.load(new ServingSpec("chat", Path.of("tiny-chat"), Path.of("ft-abc"))), false);
        vision = new RecordingModel(engine.load(new ServingSpec("vision", Path.of("tiny-chat"), null)), true);
        legacy = new RecordingModel(engine.load(new ServingSpec("legacy", Path.of("tiny-completion"), null)), false);
        deployments = Map.of(
                "chat", new LiveDeployment("chat", "tiny-chat.ft-abc", chat, quota, null, null),
                "vision", new LiveDeployment("vision", "tiny-chat", vision, quota, null, null),
                "legacy", new LiveDeployment("legacy", "tiny-completion", legacy, quota, null, null));
        DeploymentLookup lookup = name -> {
            LiveDeployment d = deployments.get(name);
            if (d == null) throw ApiException.notFound("Deployment", name);
            return d;
        };
        ts = TestServer.withInference(dir, lookup, InferenceApiOptions.defaults().withRequestTimeout(timeout));
    }

    InferenceFixture(Path dir) throws Exception {
        this(dir, Duration.ofSeconds(20));
    }

    HttpResponse<String> post(String path, String json) throws Exception {
        return ts.post(path, json);
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    /** The {@code data:} payloads of an event stream, in order; "[DONE]" stays a string, the rest are parsed. */
    static List<Object> events(String body) throws Exception {
        List<Object> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (block.isBlank()) continue;
            if (!block.startsWith("data: ")) throw new AssertionError("not an SSE data event: " + block);
            String data = block.substring("data: ".length());
            out.add(data.equals("[DONE]") ? data : Json.MAPPER.readTree(data));
        }
        return out;
    }

    /** The streamed text of choice {@code index}. */
    static String streamedText(List<Object> events, int index, String field) {
        StringBuilder text = new StringBuilder();
        for (Object e : events) {
            if (!(e instanceof JsonNode node) || !node.has("choices")) continue;
            for (JsonNode c : node.get("choices")) {
                if (c.get("index").asInt() != index) continue;
                JsonNode piece = field.equals("content") ? c.path("delta").get("content") : c.get("text");
                if (piece != null && !piece.isNull()) text.append(piece.asText());
            }
        }
        return text.toString();
    }

    @Override
    public void close() {
        ts.close();
        engine.close();
    }
}
