package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.engine.ResolvedHyperparameters;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.jobs.Checkpoint;
import dev.whetstone.jobs.FineTuningJob;
import dev.whetstone.jobs.JobEvent;
import dev.whetstone.jobs.JobIntegration;
import dev.whetstone.jobs.JobStatus;
import java.util.Map;

/** Job, event and checkpoint objects of docs/reference/API.md 3.1, 3.10 and 3.11 in the caller's flavor. */
final class JobJson {
    private JobJson() {}

    static ObjectNode job(FineTuningJob j, Flavor flavor) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("object", "fine_tuning.job");
        n.put("id", j.id());
        n.put("created_at", j.createdAt());
        n.put("status", status(j.status(), flavor));
        n.put("model", j.model());
        n.put("fine_tuned_model", j.fineTunedModel());
        n.put("training_file", j.trainingFile());
        n.put("validation_file", j.validationFile());
        ArrayNode results = n.putArray("result_files"); // [] not null: the Java SDK's getter throws on null
        j.resultFiles().forEach(results::add);
        n.put("finished_at", j.finishedAt());
        n.put("trained_tokens", j.trainedTokens());
        n.set("hyperparameters", hyperparameters(j, flavor));
        if (flavor == Flavor.AZURE) n.put("suffix", j.suffix());
        n.put("seed", j.seed());
        if (flavor == Flavor.AZURE) n.putNull("organization_id"); else n.put("organization_id", "");
        if (j.error() == null) {
            n.putNull("error");
        } else {
            ObjectNode e = n.putObject("error");
            e.put("code", j.error().code());
            e.put("message", j.error().message());
            e.put("param", j.error().param());
        }
        n.put("estimated_finish", j.estimatedFinish());
        if (j.integrations().isEmpty()) {
            n.putNull("integrations");
        } else {
            ArrayNode integrations = n.putArray("integrations");
            for (JobIntegration i : j.integrations()) {
                ObjectNode item = integrations.addObject();
                item.put("type", i.type());
                ObjectNode w = item.putObject("wandb");
                w.put("project", i.wandb().project());
                w.put("name", i.wandb().name());
                w.put("entity", i.wandb().entity());
                ArrayNode tags = w.putArray("tags");
                i.wandb().tags().forEach(tags::add);
            }
        }
        ObjectNode method = n.putObject("method");
        if (j.reinforcement()) {
            reinforcementMethod(method, j, flavor);
            n.putNull("metadata");
            return n;
        }
        String type = j.preference() ? "dpo" : "supervised";
        method.put("type", type);
        ObjectNode settings = method.putObject(type);
        ObjectNode nested = hyperparameters(j, flavor);
        if (j.preference()) dpoHyperparameters(nested, j, flavor);
        settings.set("hyperparameters", nested);
        settings.put("full_finetune", j.method() == TrainingSpec.Method.FULL);
        if (j.metadata() == null) {
            n.putNull("metadata");
        } else {
            ObjectNode metadata = n.putObject("metadata");
            j.metadata().forEach(metadata::put);
        }
        n.set("safety_evaluation", SafetyJson.job(j.safetyEvaluation())); // Whetstone's extension (docs/safety.md)
        return n;
    }

    /** Resolved numbers once training has started; before that auto is -1 (Azure) or "auto" (OpenAI). */
    private static ObjectNode hyperparameters(FineTuningJob j, Flavor flavor) {
        ObjectNode h = Json.MAPPER.createObjectNode();
        ResolvedHyperparameters r = j.resolved();
        if (r != null) {
            h.put("n_epochs", r.nEpochs());
            h.put("batch_size", r.batchSize());
            h.put("learning_rate_multiplier", r.learningRateMultiplier());
            return h;
        }
        TrainingSpec.Hyperparameters q = j.requested();
        putOrAuto(h, "n_epochs", q.nEpochs(), flavor);
        putOrAuto(h, "batch_size", q.batchSize(), flavor);
        putOrAuto(h, "learning_rate_multiplier", q.learningRateMultiplier(), flavor);
        return h;
    }

    /**
     * {@code method: {type: "reinforcement", reinforcement: {grader, hyperparameters, response_format?}}}: the grader
     * and the response format (when not text) as the request gave them; the seven hyperparameters resolved once training has started (reasoning_effort is reported but has no
     * effect on the non-reasoning models trained here), auto before.
     */
    private static void reinforcementMethod(ObjectNode method, FineTuningJob j, Flavor flavor) {
        method.put("type", "reinforcement");
        ObjectNode settings = method.putObject("reinforcement");
        TrainingSpec.Reinforcement q = j.requested().reinforcement();
        try {
            settings.set("grader", Json.MAPPER.readTree(q.grader()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("job " + j.id() + " holds a grader that is not JSON", e);
        }
        if (q.responseFormat() != null) {
            try {
                settings.set("response_format", Json.MAPPER.readTree(q.responseFormat()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("job " + j.id() + " holds a response format that is not JSON", e);
            }
        }
        ObjectNode h = hyperparameters(j, flavor);
        ResolvedHyperparameters r = j.resolved();
        if (r != null && r.reinforcementRun()) {
            var rl = r.reinforcement();
            h.put("eval_interval", rl.evalInterval());
            h.put("eval_samples", rl.evalSamples());
            h.put("compute_multiplier", rl.computeMultiplier());
            h.put("reasoning_effort", rl.reasoningEffort());
        } else {
            putOrAuto(h, "eval_interval", q.evalInterval(), flavor);
            putOrAuto(h, "eval_samples", q.evalSamples(), flavor);
            putOrAuto(h, "compute_multiplier", q.computeMultiplier(), flavor);
            if (q.reasoningEffort() != null) h.put("reasoning_effort", q.reasoningEffort());
            else h.put("reasoning_effort", "default");
        }
        settings.set("hyperparameters", h);
    }

    /** beta (and on Azure l2_multiplier) beside the common three: resolved numbers, or auto as in 3.2. */
    private static void dpoHyperparameters(ObjectNode h, FineTuningJob j, Flavor flavor) {
        ResolvedHyperparameters r = j.resolved();
        if (r != null && r.preference()) {
            h.put("beta", r.beta());
            if (flavor == Flavor.AZURE) h.put("l2_multiplier", r.l2Multiplier());
            return;
        }
        TrainingSpec.Dpo q = j.requested().dpo();
        putOrAuto(h, "beta", q.beta(), flavor);
        if (flavor == Flavor.AZURE) putOrAuto(h, "l2_multiplier", q.l2Multiplier(), flavor);
    }

    private static void putOrAuto(ObjectNode h, String field, Number value, Flavor flavor) {
        if (value instanceof Integer i) h.put(field, i);
        else if (value instanceof Double d) h.put(field, d);
        else if (flavor == Flavor.AZURE) h.put(field, -1);
        else h.put(field, "auto");
    }

    /** OpenAI has no "pending": a job whose files were checked at creation is "queued". */
    static String status(JobStatus s, Flavor flavor) {
        return flavor == Flavor.OPENAI && s == JobStatus.PENDING ? "queued" : s.wireName();
    }

    static ObjectNode event(JobEvent e, Flavor flavor) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("object", "fine_tuning.job.event");
        n.put("id", e.id());
        n.put("created_at", e.createdAt());
        n.put("level", flavor == Flavor.OPENAI && e.level().equals("warning") ? "warn" : e.level());
        n.put("message", e.message());
        n.put("type", e.type());
        n.set("data", e.data() == null ? Json.MAPPER.nullNode() : Json.MAPPER.valueToTree(e.data()));
        return n;
    }

    static ObjectNode checkpoint(Checkpoint c) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("object", "fine_tuning.job.checkpoint");
        n.put("id", c.id());
        n.put("created_at", c.createdAt());
        n.put("fine_tuned_model_checkpoint", c.fineTunedModelCheckpoint());
        n.put("step_number", c.stepNumber());
        ObjectNode metrics = n.putObject("metrics");
        for (Map.Entry<String, Double> m : c.metrics().entrySet()) metrics.put(m.getKey(), m.getValue());
        n.put("fine_tuning_job_id", c.jobId());
        return n;
    }
}
