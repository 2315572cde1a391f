package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.error.ApiException;
import dev.whetstone.graders.GradeError;
import dev.whetstone.graders.GradeResult;
import dev.whetstone.graders.Grader;
import dev.whetstone.graders.Graders;
import dev.whetstone.graders.GradingSample;

/**
 * {@code /fine_tuning/alpha/graders/run} and {@code /validate} (OpenAI's {@code RunGraderRequest} /
 * {@code RunGraderResponse}, {@code ValidateGraderRequest} / {@code ValidateGraderResponse}) on every authoring
 * surface, so Azure clients reach them under {@code /openai/…?api-version=}. A malformed grader is a 400 naming
 * the field; a grader that fails on this sample answers 200 with reward 0 and the error flags set.
 *
 * <p>{@code metadata.token_usage} is the total token count of the model graders' calls (an integer, as the
 * response schema and the openai-java client type it; the spec's example shows an object, which is what
 * {@code model_grader_token_usage_per_model} holds per model), null when no model was asked.
 */
public final class GradersApi {
    private static final String BASE = "/fine_tuning/alpha/graders";
    private final Graders graders;

    public GradersApi(Graders graders) {
        this.graders = graders;
    }

    public void register(Routes routes) {
        routes.post(BASE + "/run", this::run);
        routes.post(BASE + "/validate", this::validate);
    }

    private void validate(Call call) {
        ObjectNode body = call.jsonBody();
        graders.parse(body.get("grader"), "grader");
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("grader", body.get("grader"));
        call.ctx().json(out);
    }

    private void run(Call call) {
        ObjectNode body = call.jsonBody();
        Grader grader = graders.parse(body.get("grader"), "grader");
        JsonNode sample = body.get("model_sample");
        if (sample == null || sample.isNull()) throw ApiException.invalid("model_sample", "'model_sample' is required: the model output to grade, a string.");
        if (!sample.isTextual()) throw ApiException.invalid("model_sample", "'model_sample' must be a string.");
        JsonNode item = body.get("item");
        if (item != null && !item.isNull() && !item.isObject()) {
            throw ApiException.invalid("item", "'item' must be an object: the dataset row templates read as {{item.<field>}}.");
        }
        GradeResult r = graders.run(grader, GradingSample.of(sample.asText(), item instanceof ObjectNode o ? o : null));
        call.ctx().json(render(r));
    }

    static ObjectNode render(GradeResult r) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("reward", r.reward());
        ObjectNode meta = out.putObject("metadata");
        meta.put("name", r.name());
        meta.put("type", r.type());
        ObjectNode errors = meta.putObject("errors");
        for (GradeError e : GradeError.values()) {
            errors.put(e.wireName(), r.errors().contains(e));
            switch (e) {
                case PYTHON_SERVER -> errors.put("python_grader_server_error_type", r.details().get("python_grader_server_error_type"));
                case PYTHON_RUNTIME -> errors.put("python_grader_runtime_error_details", r.details().get("python_grader_runtime_error_details"));
                default -> { }
            }
        }
        errors.put("model_grader_server_error_details", r.details().get("model_grader_server_error_details"));
        if (r.details().containsKey("message")) errors.put("message", r.details().get("message"));
        meta.put("execution_time", r.executionSeconds());
        ObjectNode scores = meta.putObject("scores");
        r.subRewards().forEach(scores::put);
        Long tokens = r.totalTokens();
        if (tokens == null) meta.putNull("token_usage");
        else meta.put("token_usage", tokens);
        meta.put("sampled_model_name", r.sampledModelName());
        ObjectNode subs = out.putObject("sub_rewards");
        r.subRewards().forEach(subs::put);
        ObjectNode perModel = out.putObject("model_grader_token_usage_per_model");
        r.usagePerModel().forEach((model, u) -> perModel.putObject(model)
                .put("prompt_tokens", u.promptTokens()).put("total_tokens", u.totalTokens())
                .put("completion_tokens", u.completionTokens()).put("cached_tokens", 0));
        return out;
    }
}
