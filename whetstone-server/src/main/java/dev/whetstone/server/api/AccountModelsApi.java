package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.deployments.AccountNames;
import dev.whetstone.deployments.Accounts;
import dev.whetstone.jobs.FineTunedModels;
import dev.whetstone.models.BaseModel;
import dev.whetstone.models.FineTunedModel;
import dev.whetstone.models.ModelCatalog;
import io.javalin.http.HandlerType;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code GET …/accounts/{account}/models} (docs/reference/API.md 5.1, related ARM read): what an account can deploy, in ARM's
 * AccountModel shape: the base models, and the fine-tuned models the account deploys without naming a source (its
 * own and the default account's; docs/deployments.md, "Accounts").
 */
public final class AccountModelsApi {
    private static final int MAX_CAPACITY = 10_000;

    private final ModelCatalog catalog;
    private final FineTunedModels fineTuned;
    private final AccountNames accounts;
    private final Accounts owners;

    public AccountModelsApi(ModelCatalog catalog, FineTunedModels fineTuned, AccountNames accounts, Accounts owners) {
        this.catalog = catalog;
        this.fineTuned = fineTuned;
        this.accounts = accounts;
        this.owners = owners;
    }

    public void register(Routes routes) {
        routes.add(HandlerType.GET, DeploymentsApi.ACCOUNT + "/models", this::list, DeploymentsApi.ARM);
    }

    private void list(Call call) {
        ArmVersions.target(call, null);
        String account = accounts.require(call.path("account"));
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode value = out.putArray("value");
        for (BaseModel m : catalog.baseModels()) value.add(model(m.id(), m.chat(), true, m.createdAt()));
        for (FineTunedModel m : fineTuned.list()) {
            if (!owners.ownsOrShares(account, m.jobId())) continue;
            Optional<BaseModel> base = catalog.findBase(m.baseModel());
            ObjectNode n = model(m.id(), base.map(BaseModel::chat).orElse(false), false, m.createdAt());
            ObjectNode b = n.putObject("baseModel");
            b.put("format", "OpenAI");
            b.put("name", m.baseModel());
            b.put("version", "1");
            value.add(n);
        }
        call.ctx().json(out);
    }

    private static ObjectNode model(String name, boolean chat, boolean fineTunable, long createdAt) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("format", "OpenAI");
        n.put("name", name);
        n.put("version", "1");
        n.put("isDefaultVersion", true);
        ArrayNode skus = n.putArray("skus");
        for (String sku : new String[] {"Standard", "GlobalStandard"}) {
            ObjectNode s = skus.addObject();
            s.put("name", sku);
            s.put("usageName", "OpenAI." + sku + "." + name);
            ObjectNode capacity = s.putObject("capacity");
            capacity.put("maximum", MAX_CAPACITY);
            capacity.put("default", 1);
        }
        n.put("maxCapacity", MAX_CAPACITY);
        ObjectNode caps = n.putObject("capabilities");
        caps.put("chatCompletion", Boolean.toString(chat));
        caps.put("completion", "true");
        caps.put("fineTune", Boolean.toString(fineTunable));
        n.put("lifecycleStatus", "GenerallyAvailable");
        ObjectNode system = n.putObject("systemData");
        system.put("createdAt", Instant.ofEpochSecond(createdAt).toString());
        return n;
    }
}
