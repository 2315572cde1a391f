package dev.whetstone.server.api.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.deployments.DeploymentLookup;
import dev.whetstone.deployments.LiveDeployment;
import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import dev.whetstone.safety.ContentFilter;
import dev.whetstone.safety.RaiPolicy;
import dev.whetstone.safety.SafetyService;
import dev.whetstone.safety.Source;
import dev.whetstone.safety.Verdict;
import dev.whetstone.server.api.ApiVersions;
import dev.whetstone.server.api.Call;
import dev.whetstone.server.api.ContentFilteredException;
import dev.whetstone.server.api.Flavor;
import dev.whetstone.server.api.Routes;
import dev.whetstone.server.api.Surface;
import io.javalin.http.HandlerType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.UUID;

/**
 * Chat completions and completions (docs/reference/API.md §6) on every surface: Azure's deployment path, where the path names the
 * deployment, and the OpenAI-shaped paths ({@code /openai/v1}, {@code /v1}, the bare root of the Java SDK's AUTO
 * mode), where the body's {@code model} does.
 */
public final class InferenceApi {
    /**
     * Azure's inference path. Its api-version is checked by form only (see {@link ApiVersions#requireWellFormed}),
     * so the surface itself does not demand one from the supported authoring list.
     */
    static final Surface DEPLOYMENT = new Surface("/openai/deployments/{deployment}", Flavor.AZURE, false);
    private static final List<Surface> MODEL_IN_BODY = List.of(Surface.AZURE_V1, Surface.OPENAI_V1, Surface.ROOT);

    private final DeploymentLookup deployments;
    private final SafetyService safety;
    private final Clock clock;
    private final InferenceApiOptions options;
    private final Responder responder;
    private final java.util.function.BooleanSupplier draining;

    /** The deployment a chat or completion request was answered by (for the metrics), once it was found. */
    public static final String DEPLOYMENT_ATTRIBUTE = "whetstone.deployment";
    /** The completion tokens a request generated (for the metrics). */
    public static final String GENERATED_TOKENS_ATTRIBUTE = "whetstone.generatedTokens";
    static final String DRAINING_MESSAGE = "This replica is shutting down and accepts no new chat or completion "
            + "requests; send the request again (to another replica).";

    public InferenceApi(DeploymentLookup deployments, SafetyService safety, Clock clock, InferenceApiOptions options) {
        this(deployments, safety, clock, options, () -> false);
    }

    /** @param draining true once the process drains: new requests get 503, those in flight (streams too) finish */
    public InferenceApi(DeploymentLookup deployments, SafetyService safety, Clock clock, InferenceApiOptions options,
                        java.util.function.BooleanSupplier draining) {
        this.draining = draining;
        this.deployments = deployments;
        this.safety = safety;
        this.clock = clock;
        this.options = options;
        this.responder = new Responder(options.requestTimeout());
    }

    public void register(Routes routes) {
        for (List<Surface> surfaces : List.of(List.of(DEPLOYMENT), MODEL_IN_BODY)) {
            routes.add(HandlerType.POST, "/chat/completions", this::chat, surfaces);
            routes.add(HandlerType.POST, "/completions", this::completions, surfaces);
        }
    }

    private void chat(Call call) throws InterruptedException {
        Target target = target(call);
        ChatRequest request = ChatRequest.parse(target.fields());
        ChatPlans.ToolReading tools = ChatPlans.toolReading(target.deployment(), request);
        Plan plan = ChatPlans.plan(target.deployment(), request, options.images(), tools);
        ContentFilter filter = filter(target.deployment());
        List<Verdict> prompts = checkPrompts(target.deployment(), filter, List.of(request.messages().stream()
                .map(ChatMessage::text).collect(Collectors.joining("\n"))));
        Envelope envelope = envelope(call, target, "chatcmpl-", "chat.completion", "chat.completion.chunk",
                request.sampling().includeUsage(), prompts, filter);
        responder.respond(call, target.deployment(), plan, new ChatShape(envelope, request.sampling().n(), request.logprobs(), tools),
                filter);
    }

    private void completions(Call call) throws InterruptedException {
        Target target = target(call);
        CompletionRequest request = CompletionRequest.parse(target.fields());
        Plan plan = CompletionPlans.plan(target.deployment(), request);
        ContentFilter filter = filter(target.deployment());
        List<Verdict> prompts = checkPrompts(target.deployment(), filter, request.prompts());
        Envelope envelope = envelope(call, target, "cmpl-", "text_completion", "text_completion",
                request.sampling().includeUsage(), prompts, filter);
        List<String> shown = CompletionPlans.shownPrefixes(request);
        responder.respond(call, target.deployment(), plan,
                new CompletionShape(envelope, shown, request.logprobs() != null), filter);
    }

    private record Target(BodyFields fields, LiveDeployment deployment) {}

    /** {@code chat/completions} or {@code completions} for a route template of this API, else null. */
    public static String endpointOf(String route) {
        if (route == null) return null;
        if (route.endsWith("/chat/completions")) return "chat/completions";
        if (route.endsWith("/completions")) return "completions";
        return null;
    }

    private Target target(Call call) {
        if (draining.getAsBoolean()) {
            call.ctx().header("x-should-retry", "true");
            throw new ApiException(ErrorCode.SERVICE_UNAVAILABLE, DRAINING_MESSAGE);
        }
        boolean inPath = call.surface() == DEPLOYMENT;
        if (inPath) ApiVersions.requireWellFormed(call.apiVersion());
        ObjectNode body = call.jsonBody();
        String name = inPath ? call.path("deployment") : model(body);
        LiveDeployment live = live(name);
        call.ctx().attribute(DEPLOYMENT_ATTRIBUTE, live.name());
        return new Target(new BodyFields(body), live);
    }

    private static String model(ObjectNode body) {
        JsonNode model = body.get("model");
        if (model == null || model.isNull() || !model.isTextual() || model.textValue().isBlank()) {
            throw ApiException.invalid("model", "The 'model' field is required on this path: the name of the deployment "
                    + "to call (or use /openai/deployments/{deployment}/... with an api-version).");
        }
        return model.textValue();
    }

    /** The lookup's 404, whatever code it used, is the live service's {@code DeploymentNotFound} here. */
    private LiveDeployment live(String name) {
        try {
            return deployments.live(name);
        } catch (ApiException e) {
            if (e.code() != ErrorCode.NOT_FOUND) throw e;
            throw new ApiException(ErrorCode.DEPLOYMENT_NOT_FOUND, e.getMessage(), e.param());
        }
    }

    private ContentFilter filter(LiveDeployment d) {
        return safety.filterFor(d.account(), d.raiPolicyName());
    }

    /**
     * Each prompt's verdict (null when prompts are not filtered); the first blocked prompt refuses the request
     * with Azure's 400 {@code content_filter} before anything is generated or charged.
     */
    private static List<Verdict> checkPrompts(LiveDeployment d, ContentFilter filter, List<String> prompts) {
        if (!filter.active(Source.PROMPT)) return null;
        List<Verdict> verdicts = new ArrayList<>();
        for (String prompt : prompts) {
            Verdict v = filter.check(prompt, Source.PROMPT);
            if (v.blocked()) {
                throw new ContentFilteredException("The response was filtered due to the prompt triggering the content "
                        + "management policy of deployment '" + d.name() + "' (" + policyName(d) + "): "
                        + reasons(v) + ". Please modify your prompt and retry.", Annotations.of(v));
            }
            verdicts.add(v);
        }
        return verdicts;
    }

    private static String policyName(LiveDeployment d) {
        return d.raiPolicyName() != null ? d.raiPolicyName() : RaiPolicy.DEFAULT;
    }

    /** "violence (medium), blocklist 'words'": what was filtered, without quoting the content. */
    private static String reasons(Verdict v) {
        List<String> parts = new ArrayList<>();
        v.filteredCategories().forEach(c -> parts.add(c.wireName() + " (" + v.categories().get(c).severity().wireName() + ")"));
        v.blocklists().stream().filter(Verdict.BlocklistResult::filtered).forEach(b -> parts.add("blocklist '" + b.name() + "'"));
        return String.join(", ", parts);
    }

    private Envelope envelope(Call call, Target target, String idPrefix, String object, String chunkObject,
                              boolean includeUsage, List<Verdict> prompts, ContentFilter filter) {
        String id = idPrefix + UUID.randomUUID().toString().replace("-", "");
        return new Envelope(id, object, chunkObject, clock.instant().getEpochSecond(), target.deployment().modelName(),
                options.systemFingerprint(), call.azure(), includeUsage, prompts, filter.active(Source.COMPLETION));
    }
}
