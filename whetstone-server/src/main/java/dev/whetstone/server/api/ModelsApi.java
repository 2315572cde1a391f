package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.error.ApiException;
import dev.whetstone.jobs.FineTunedModels;
import dev.whetstone.models.BaseModel;
import dev.whetstone.models.FineTunedModel;
import dev.whetstone.models.ModelCatalog;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /models}: base models from the models directory, each operator alias as its own entry, and the
 * fine-tuned models jobs produced (docs/reference/API.md §4). Objects carry Azure's fields and OpenAI's ({@code created},
 * {@code owned_by}) so either SDK reads them. Only fine-tuned models can be deleted (docs/reference/API.md 3.13, docs/reference/CLIENTS.md 7).
 */
public final class ModelsApi {
    /** Base models here are never retired; 2100-01-01 stands for "no deprecation planned". */
    private static final long NO_DEPRECATION = 4102444800L;

    private final ModelCatalog catalog;
    private final FineTunedModels fineTuned;

    public ModelsApi(ModelCatalog catalog, FineTunedModels fineTuned) {
        this.catalog = catalog;
        this.fineTuned = fineTuned;
    }

    public void register(Routes routes) {
        routes.get("/models", this::list);
        routes.get("/models/{model_id}", call -> call.ctx().json(modelJson(call.path("model_id"))));
        routes.delete("/models/{model_id}", this::delete);
    }

    private void list(Call call) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (BaseModel m : catalog.baseModels()) data.add(json(m.id(), m));
        for (Map.Entry<String, String> alias : catalog.aliases().entrySet()) {
            catalog.findBase(alias.getValue()).ifPresent(m -> data.add(json(alias.getKey(), m)));
        }
        for (FineTunedModel m : fineTuned.list()) data.add(json(m));
        call.ctx().json(out);
    }

    private ObjectNode modelJson(String id) {
        Optional<BaseModel> base = catalog.findBase(id);
        if (base.isPresent()) return json(id, base.get());
        return json(fineTuned.find(id).orElseThrow(() -> ApiException.notFound("Model", id)));
    }

    private void delete(Call call) {
        String id = call.path("model_id");
        if (fineTuned.find(id).isPresent()) {
            fineTuned.delete(id);
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.put("id", id);
            out.put("object", "model");
            out.put("deleted", true);
            call.ctx().json(out);
            return;
        }
        BaseModel m = catalog.getBase(id);
        String where = m.dir() != null ? "folder '" + m.dir().getFileName() + "' of the models directory"
                : "registered in the object store";
        throw ApiException.invalid("model", "'" + id + "' is a base model (" + where + "); only fine-tuned models"
                + " can be deleted through the API.");
    }

    static ObjectNode json(String id, BaseModel m) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("object", "model");
        n.put("id", id);
        n.put("created_at", m.createdAt());
        n.put("created", m.createdAt());
        n.put("owned_by", "system");
        n.put("status", "succeeded");
        n.putNull("model");
        n.putNull("fine_tune");
        ObjectNode caps = n.putObject("capabilities");
        caps.put("fine_tune", true);
        caps.put("inference", true);
        caps.put("completion", true);
        caps.put("chat_completion", m.chat());
        caps.put("embeddings", false);
        caps.put("vision", m.vision()); // not in Azure's schema: whether image parts are understood (docs/vision.md)
        n.put("lifecycle_status", "generally-available");
        ObjectNode deprecation = n.putObject("deprecation");
        deprecation.put("fine_tune", NO_DEPRECATION);
        deprecation.put("inference", NO_DEPRECATION);
        n.put("architecture", m.architecture());
        return n;
    }

    /** A fine-tuned model: {@code model} is its base, {@code fine_tune} the job that made it. */
    private ObjectNode json(FineTunedModel m) {
        Optional<BaseModel> base = catalog.findBase(m.baseModel());
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("object", "model");
        n.put("id", m.id());
        n.put("created_at", m.createdAt());
        n.put("created", m.createdAt());
        n.put("owned_by", "user");
        n.put("status", m.status());
        n.put("model", m.baseModel());
        n.put("fine_tune", m.jobId());
        ObjectNode caps = n.putObject("capabilities");
        caps.put("fine_tune", base.isPresent()); // continuous fine-tuning needs the base weights
        caps.put("inference", base.isPresent() && m.deployable()); // a model that failed evaluation cannot be deployed
        caps.put("completion", base.isPresent());
        caps.put("chat_completion", base.map(BaseModel::chat).orElse(false));
        caps.put("embeddings", false);
        caps.put("vision", base.map(BaseModel::vision).orElse(false));
        n.put("lifecycle_status", "generally-available");
        ObjectNode deprecation = n.putObject("deprecation");
        deprecation.put("inference", NO_DEPRECATION);
        base.ifPresent(b -> n.put("architecture", b.architecture()));
        // Whetstone's extension (docs/safety.md): the model evaluation, null for a model made without one
        if (m.evaluation() == null) n.putNull("safety_evaluation"); else n.set("safety_evaluation", SafetyJson.check(m.evaluation(), true));
        return n;
    }
}
