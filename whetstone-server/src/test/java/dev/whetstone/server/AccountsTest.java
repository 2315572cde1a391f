package dev.whetstone.server;

import static dev.whetstone.server.ArmClient.howToBody;
import static dev.whetstone.server.ArmClient.json;
import static dev.whetstone.server.JobClient.chatLines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.server.auth.AccessTokens;
import dev.whetstone.server.auth.Role;
import dev.whetstone.testing.FakeTrainer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accounts as namespaces through the real server (docs/deployments.md, "Accounts"): the Resource Manager listings,
 * a fine-tuned model owned by the account whose key created its job, and the how-to's cross-account deploy with
 * {@code properties.model.source} — the owning account, a missing one, one that does not own the model, and one the
 * caller's token cannot reach.
 */
class AccountsTest {
    static final String V = "api-version=2023-05-01";
    static final String SUB_A = "11111111-aaaa-0000-0000-000000000000";
    static final String SUB_B = "22222222-bbbb-0000-0000-000000000000";
    static final String TRAINING = "/subscriptions/" + SUB_A + "/resourceGroups/training-rg"
            + "/providers/Microsoft.CognitiveServices/accounts/training";
    static final String SERVING = "/subscriptions/" + SUB_B + "/resourceGroups/serving-rg"
            + "/providers/Microsoft.CognitiveServices/accounts/serving";
    static final String DEFAULT = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/whetstone"
            + "/providers/Microsoft.CognitiveServices/accounts/whetstone";

    @TempDir Path dir;
    TestServer ts;
    ArmClient admin;

    @BeforeEach
    void start() throws Exception {
        ts = TestServer.withJobs(dir, new FakeTrainer(), 1, Clock.systemUTC(), 20);
        admin = new ArmClient(ts.base, token(Role.ADMIN, null));
    }

    @AfterEach
    void stop() {
        ts.close();
    }

    String token(Role role, String account) throws Exception {
        return ts.tokens(Clock.systemUTC()).mint(role, Duration.ofHours(1), null, null, account);
    }

    @Test
    void accountsSubscriptionsAndResourceGroupsAreListedFromTheirFirstUse() throws Exception {
        assertThat(admin.send("GET", TRAINING + "/deployments?" + V, null).statusCode()).isEqualTo(200);
        assertThat(admin.send("GET", SERVING + "/deployments?" + V, null).statusCode()).isEqualTo(200);

        JsonNode subs = json(admin.send("GET", "/subscriptions?api-version=2019-11-01", null));
        assertThat(subs.get("value")).extracting(s -> s.get("subscriptionId").asText())
                .containsExactly("00000000-0000-0000-0000-000000000000", SUB_A, SUB_B);
        assertThat(subs.at("/count/value").asInt()).isEqualTo(3);
        assertThat(json(admin.send("GET", "/subscriptions/" + SUB_A + "?" + V, null)).get("id").asText())
                .isEqualTo("/subscriptions/" + SUB_A);

        JsonNode groups = json(admin.send("GET", "/subscriptions/" + SUB_A + "/resourceGroups?" + V, null));
        assertThat(groups.get("value")).extracting(g -> g.get("id").asText())
                .containsExactly("/subscriptions/" + SUB_A + "/resourceGroups/training-rg");
        assertThat(json(admin.send("GET", "/subscriptions/" + SUB_A + "/resourceGroups/training-rg?" + V, null))
                .at("/type").asText()).isEqualTo("Microsoft.Resources/resourceGroups");

        JsonNode inSub = json(admin.send("GET", "/subscriptions/" + SUB_B
                + "/providers/Microsoft.CognitiveServices/accounts?" + V, null));
        assertThat(inSub.get("value")).extracting(a -> a.get("id").asText()).containsExactly(SERVING);
        JsonNode inGroup = json(admin.send("GET", "/subscriptions/" + SUB_A
                + "/resourceGroups/training-rg/providers/Microsoft.CognitiveServices/accounts?" + V, null));
        assertThat(inGroup.get("value")).extracting(a -> a.get("name").asText()).containsExactly("training");

        JsonNode account = json(admin.send("GET", TRAINING + "?" + V, null));
        assertThat(account.get("type").asText()).isEqualTo("Microsoft.CognitiveServices/accounts");
        assertThat(account.get("kind").asText()).isEqualTo("OpenAI");
        assertThat(account.at("/properties/provisioningState").asText()).isEqualTo("Succeeded");
        assertThat(account.at("/properties/endpoint").asText()).isEqualTo(ts.base + "/");
        assertThat(json(admin.send("GET", DEFAULT + "?" + V, null)).get("name").asText()).isEqualTo("whetstone");

        assertError(admin.send("GET", TRAINING.replace("training-rg", "other-rg") + "?" + V, null), 404,
                "ResourceNotFound", "The Resource 'Microsoft.CognitiveServices/accounts/training' under resource group "
                        + "'other-rg' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");
        assertError(admin.send("GET", "/subscriptions/33333333-0000-0000-0000-000000000000/resourceGroups?" + V, null),
                404, "SubscriptionNotFound", "The subscription '33333333-0000-0000-0000-000000000000' could not be found.");
        assertError(admin.send("GET", "/subscriptions/" + SUB_A + "/resourceGroups/nope?" + V, null), 404,
                "ResourceGroupNotFound", "Resource group 'nope' could not be found.");

        // a token of one account sees that account only, and no other account's paths
        ArmClient servingOnly = new ArmClient(ts.base, token(Role.CONTRIBUTOR, "serving"));
        assertThat(json(servingOnly.send("GET", "/subscriptions?api-version=2019-11-01", null)).get("value"))
                .extracting(s -> s.get("subscriptionId").asText()).containsExactly(SUB_B);
        assertError(servingOnly.send("GET", TRAINING + "/deployments?" + V, null), 403, "AuthorizationFailed",
                "The client does not have authorization to perform action 'Microsoft.CognitiveServices/accounts/read' "
                        + "over scope '" + TRAINING + "'");
        assertError(servingOnly.send("GET", TRAINING + "?" + V, null), 403, "AuthorizationFailed", "over scope");
    }

    @Test
    void aModelFineTunedWithAnAccountKeyDeploysFromThatAccountOnly() throws Exception {
        String model = fineTuneWithKeyOf("training");
        String cross = "cross-bot";

        // without source, another account cannot deploy it (the default account's models deploy anywhere)
        assertError(admin.send("PUT", SERVING + "/deployments/" + cross + "?" + V, howToBody(model)), 400,
                "invalidPayload", "The model '" + model + "' belongs to another account than 'serving', 'training': "
                        + "name that account's ARM id ('" + TRAINING + "') in properties.model.source");
        // a missing account
        String missing = TRAINING.replace("accounts/training", "accounts/ghost");
        assertError(admin.send("PUT", SERVING + "/deployments/" + cross + "?" + V, withSource(model, missing)), 404,
                "ResourceNotFound", "The Resource 'Microsoft.CognitiveServices/accounts/ghost' under resource group "
                        + "'training-rg' was not found.");
        // the right name at another resource group is not that account
        assertError(admin.send("PUT", SERVING + "/deployments/" + cross + "?" + V,
                withSource(model, TRAINING.replace("training-rg", "elsewhere"))), 404, "ResourceNotFound",
                "under resource group 'elsewhere' was not found");
        // an account that exists but does not own the model
        assertError(admin.send("PUT", SERVING + "/deployments/" + cross + "?" + V, withSource(model, DEFAULT)), 400,
                "invalidPayload", "The model '" + model + "' does not belong to the source account '" + DEFAULT + "'");
        // a token that reaches only the serving account cannot read the source
        ArmClient servingOnly = new ArmClient(ts.base, token(Role.CONTRIBUTOR, "serving"));
        assertError(servingOnly.send("PUT", SERVING + "/deployments/" + cross + "?" + V, withSource(model, TRAINING)),
                403, "AuthorizationFailed", "The client does not have authorization to perform action "
                        + "'Microsoft.CognitiveServices/accounts/read' over scope '" + TRAINING + "' or the scope is "
                        + "invalid. If access was recently granted, please refresh your credentials.");
        assertThat(admin.send("GET", SERVING + "/deployments/" + cross + "?" + V, null).statusCode()).isEqualTo(404);

        // the account model listings follow ownership: the owner lists it, another account does not
        assertThat(json(admin.send("GET", TRAINING + "/models?" + V, null)).get("value"))
                .extracting(m -> m.get("name").asText()).contains(model, "tiny-chat");
        assertThat(json(admin.send("GET", SERVING + "/models?" + V, null)).get("value"))
                .extracting(m -> m.get("name").asText()).doesNotContain(model).contains("tiny-chat");

        // the owning account as source: deployed
        HttpResponse<String> put = admin.send("PUT", SERVING + "/deployments/" + cross + "?" + V, withSource(model, TRAINING));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(json(put).at("/properties/model/source").asText()).isEqualTo(TRAINING);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> json(admin.send("GET",
                SERVING + "/deployments/" + cross + "?" + V, null)).at("/properties/provisioningState").asText()
                .equals("Succeeded"));
        HttpResponse<String> chat = ts.post("/openai/deployments/" + cross + "/chat/completions?api-version=2024-10-21",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}");
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        // the owning account itself deploys it without source
        assertThat(admin.send("PUT", TRAINING + "/deployments/home-bot?" + V, howToBody(model)).statusCode()).isEqualTo(201);
        // base models belong to every account
        assertThat(admin.send("PUT", SERVING + "/deployments/base-bot?" + V, howToBody("tiny-chat")).statusCode())
                .isEqualTo(201);
    }

    @Test
    void theSignInEndpointsExchangeAnAccountKeyForATokenOfThatAccount() throws Exception {
        String key1 = json(admin.send("POST", TRAINING + "/listKeys?" + V, null)).get("key1").asText();
        HttpResponse<String> adfs = ts.send(HttpRequest.newBuilder(URI.create(ts.base + "/adfs/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=ci-bot&client_secret="
                        + key1 + "&scope=https%3A%2F%2Fexample.test%2F.default")).build());
        assertThat(adfs.statusCode()).as(adfs.body()).isEqualTo(200);
        String token = json(adfs).get("access_token").asText();
        AccessTokens.Verified verified = ts.tokens(Clock.systemUTC()).verifyAll(token);
        assertThat(verified.account()).isEqualTo("training");
        assertThat(verified.role()).isEqualTo(Role.OPENAI_CONTRIBUTOR);
        ArmClient training = new ArmClient(ts.base, token);
        assertThat(training.send("GET", TRAINING + "/deployments?" + V, null).statusCode()).isEqualTo(200);
        assertError(training.send("GET", SERVING + "/deployments?" + V, null), 403, "AuthorizationFailed",
                "over scope '" + SERVING + "'");

        HttpResponse<String> msi = ts.send(HttpRequest.newBuilder(URI.create(ts.base
                + "/msi/token?resource=https://example.test/&api-version=2017-09-01")).header("secret", key1).GET().build());
        assertThat(msi.statusCode()).as(msi.body()).isEqualTo(200);
        assertThat(ts.tokens(Clock.systemUTC()).verifyAll(json(msi).get("access_token").asText())
                .account()).isEqualTo("training");

        HttpResponse<String> wrong = ts.send(HttpRequest.newBuilder(URI.create(ts.base + "/adfs/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=ci-bot"
                        + "&client_secret=nope&scope=x%2F.default")).build());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong).get("error_description").asText())
                .isEqualTo("The client_secret is not an API key or account key of this service.");
        assertThat(json(wrong).at("/error/code").asText()).isEqualTo("unauthorized");
        HttpResponse<String> password = ts.send(HttpRequest.newBuilder(URI.create(ts.base + "/adfs/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=a&password=b")).build());
        assertError(password, 400, "invalidPayload", "grant_type 'password' is not supported");
    }

    /** Uploads with the service key, then creates the job with the account's key1: the account owns the model. */
    private String fineTuneWithKeyOf(String account) throws Exception {
        String path = "/subscriptions/" + SUB_A + "/resourceGroups/training-rg/providers/Microsoft.CognitiveServices"
                + "/accounts/" + account + "/listKeys?" + V;
        String key1 = json(admin.send("POST", path, null)).get("key1").asText();
        JobClient jobs = new JobClient(ts);
        String training = jobs.upload("training_set.jsonl", chatLines(10));
        HttpResponse<String> created = ts.send(HttpRequest.newBuilder(URI.create(ts.base
                        + "/openai/fine_tuning/jobs?api-version=2024-10-21")).header("api-key", key1)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\": \"tiny-chat\", \"training_file\": \"" + training + "\"}")).build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return jobs.awaitStatus(json(created).get("id").asText(), "succeeded").get("fine_tuned_model").asText();
    }

    private static String withSource(String model, String source) {
        return howToBody(model).replace("\"version\": \"1\"", "\"version\": \"1\",\n \"source\": \"" + source + "\"");
    }

    private static void assertError(HttpResponse<String> r, int status, String code, String message) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(json(r).at("/error/code").asText()).as(r.body()).isEqualTo(code);
        assertThat(json(r).at("/error/message").asText()).contains(message);
    }
}
