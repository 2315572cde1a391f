package dev.whetstone.server.api.inference;

import dev.whetstone.data.RequestImages;
import dev.whetstone.data.ToolDefinition;
import dev.whetstone.data.image.ImageInput;
import dev.whetstone.data.image.ImageLoader;
import dev.whetstone.deployments.LiveDeployment;
import dev.whetstone.engine.inference.InvalidPromptException;
import dev.whetstone.engine.inference.ModelInfo;
import dev.whetstone.engine.inference.OutputConstraint;
import dev.whetstone.engine.inference.Prompt;
import dev.whetstone.engine.inference.SamplingOptions;
import dev.whetstone.engine.inference.schema.CompiledSchema;
import dev.whetstone.engine.inference.schema.JsonSchemaCompiler;
import dev.whetstone.engine.inference.schema.SchemaException;
import dev.whetstone.engine.inference.ToolCallSyntax;
import dev.whetstone.error.ApiException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;

/** A chat request as generations: the rendered conversation once, n choices from it (seed + i each). */
final class ChatPlans {
    private ChatPlans() {}

    /**
     * How a reply is read for function calls, and the text it is made to begin with ({@code required}: a call's
     * opening; a named choice: the call up to its arguments).
     */
    record ToolReading(ToolCallSyntax syntax, String forcedPrefix) {}

    /** Null when the request's tools are absent or {@code "none"}; 400 when the model cannot call functions. */
    static ToolReading toolReading(LiveDeployment deployment, ChatRequest request) {
        ToolChoice tools = request.tools();
        if (!tools.active()) return null;
        ToolCallSyntax syntax = deployment.model().toolCallSyntax().orElseThrow(() -> ApiException.invalid(
                tools.tools().source(), "Deployment '" + deployment.name() + "' serves '" + deployment.modelName()
                        + "', whose chat template has no tools support, so it cannot call functions. Remove '"
                        + tools.tools().source() + "', or deploy a model whose template supports tools."));
        String prefix = switch (tools.mode()) {
            case REQUIRED -> syntax.forcedPrefix(null);
            case NAMED -> syntax.forcedPrefix(tools.function());
            default -> "";
        };
        return new ToolReading(syntax, prefix);
    }

    /**
     * Under {@code tool_choice} "required" or named, the call the reply is made to begin is constrained while
     * decoding to a declared function's name and arguments valid for its parameters schema (docs/inference.md
     * "Tools"); null — the call unconstrained, as before — for "auto" or when some function's schema is outside the
     * structured-outputs subset.
     */
    static OutputConstraint callConstraint(ToolChoice tools, ToolCallSyntax syntax) {
        if (tools.mode() != ToolChoice.Mode.REQUIRED && tools.mode() != ToolChoice.Mode.NAMED) return null;
        List<String> leads = new ArrayList<>();
        List<CompiledSchema> arguments = new ArrayList<>();
        for (ToolDefinition f : tools.tools().list()) {
            boolean named = tools.mode() == ToolChoice.Mode.NAMED;
            if (named && !f.name().equals(tools.function())) continue;
            try {
                arguments.add(JsonSchemaCompiler.compileParameters(f.name(), f.parameters(), "parameters",
                        f.json().path("function").path("strict").asBoolean(false)));
            } catch (SchemaException e) {
                return null;
            }
            leads.add(named ? "" : syntax.leadTo(f.name()));
        }
        return arguments.isEmpty() ? null : new OutputConstraint.ToolCall(leads, arguments, syntax.afterArguments());
    }

    /**
     * @param images  loads the request's image parts when the deployment's model sees images
     * @param reading how function calls are read, from {@link #toolReading}; null without active tools
     */
    static Plan plan(LiveDeployment deployment, ChatRequest request, ImageLoader images, ToolReading reading) {
        ModelInfo info = deployment.model().info();
        if (!info.chat()) {
            throw ApiException.invalid(null, "Deployment '" + deployment.name() + "' serves '" + deployment.modelName()
                    + "', a model without a chat template: call /completions with a 'prompt' instead of /chat/completions.");
        }
        if (!info.vision()) request.requireNoImages(deployment.name(), deployment.modelName());
        Prompt prompt;
        try {
            List<ImageInput> decoded = RequestImages.any(request.messages())
                    ? RequestImages.load(request.messages(), images) : List.of();
            if (!decoded.isEmpty() && reading != null) {
                // No chat template of a supported vision model renders tools; refuse rather than drop either.
                throw ApiException.invalid(request.tools().tools().source(), "Deployment '" + deployment.name()
                        + "' cannot take tools and image parts in one request: remove '"
                        + request.tools().tools().source() + "' or the images.");
            }
            // With tool_choice "none" the functions are not shown at all, so the model has nothing to call.
            prompt = !decoded.isEmpty() ? deployment.model().chatPrompt(request.messages(), decoded)
                    : reading == null ? deployment.model().chatPrompt(request.messages())
                    : deployment.model().chatPrompt(request.messages(), request.tools().tools().list(), reading.forcedPrefix());
        } catch (RequestImages.BadImage e) {
            throw ApiException.invalid(e.field(), e.getMessage());
        } catch (InvalidPromptException e) {
            throw ApiException.invalid("messages", e.getMessage());
        }
        Sampling sampling = request.sampling();
        // Chat's default is the rest of the context (the swagger's "4096 minus prompt tokens", for this model).
        int max = TokenBudget.maxTokens(sampling.maxTokens(), Integer.MAX_VALUE, info.contextLength(), prompt.length(),
                "messages");
        OutputConstraint callConstraint = reading == null ? null : callConstraint(request.tools(), reading.syntax());
        List<GenerationBatch.Job> jobs = new ArrayList<>();
        for (int i = 0; i < sampling.n(); i++) {
            SamplingOptions options = sampling.options(max, i, request.topLogprobs());
            options = options.with(request.format());
            String endOfCall = reading == null || request.tools().parallel() ? null : reading.syntax().endOfFirstCall();
            if (endOfCall != null && !options.stop().contains(endOfCall)) {
                // parallel_tool_calls false: the reply ends with its first call
                List<String> stop = new ArrayList<>(options.stop());
                stop.add(endOfCall);
                options = new SamplingOptions(options.maxTokens(), options.temperature(), options.topP(), options.seed(),
                        options.presencePenalty(), options.frequencyPenalty(), options.logitBias(), stop,
                        options.topLogprobs());
            }
            if (callConstraint != null) options = options.with(callConstraint);
            jobs.add(new GenerationBatch.Job(prompt, options));
        }
        return new Plan(jobs, Collections.nCopies(sampling.n(), ""), prompt.length(),
                prompt.length() + TokenBudget.estimate(sampling.maxTokens(), max) * sampling.n(), sampling.stream(), sampling.includeUsage(), "messages",
                UnaryOperator.identity());
    }
}
