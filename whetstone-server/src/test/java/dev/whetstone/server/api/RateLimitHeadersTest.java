package dev.whetstone.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.deployments.BucketQuota;
import dev.whetstone.testing.ManualClock;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A 429 from a spent quota carries the headers Azure sends and both SDKs honour (docs/reference/CLIENTS.md 10). */
class RateLimitHeadersTest {
    @Test
    void aSpentQuotaAnswers429WithRetryAfterAndRemainingBudget() throws Exception {
        ManualClock clock = new ManualClock();
        BucketQuota quota = new BucketQuota(2, clock); // 2000 tokens, 12 requests per minute
        quota.admit(1900);
        clock.advance(Duration.ofMillis(1500)); // refills 50 tokens: 150 left
        Javalin app = Javalin.create(c -> {
            c.routes.exception(dev.whetstone.error.ApiException.class, ErrorMapper::apiException);
            c.routes.post("/chat", ctx -> quota.admit(500));
        }).start("127.0.0.1", 0);
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + "/chat")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(429);
            // 350 tokens missing at 2000 per minute: 10.5 s; retry-after rounds up so no client retries early.
            assertThat(r.headers().firstValue("retry-after-ms")).hasValue("10500");
            assertThat(r.headers().firstValue("retry-after")).hasValue("11");
            assertThat(r.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("150");
            assertThat(r.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("11");
            assertThat(r.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("2000");
            assertThat(r.headers().firstValue("x-ratelimit-limit-requests")).hasValue("12");
            assertThat(Json.MAPPER.readTree(r.body()).at("/error/type").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(Json.MAPPER.readTree(r.body()).at("/error/message").asText()).contains("retry after 11 seconds");
        } finally {
            app.stop();
        }
    }
}
