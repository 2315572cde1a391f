package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.deployments.Deployment;
import dev.whetstone.deployments.DeploymentRequest;
import dev.whetstone.deployments.DeploymentService;
import dev.whetstone.deployments.PutResult;
import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import io.javalin.http.HandlerType;
import java.util.List;

/**
 * Deployments at their Resource Manager path (docs/reference/API.md 5.1): PUT creates (201) or updates (200), POST is the how-to's
 * alias (docs/reference/CLIENTS.md 6), GET, list, DELETE (200 deleted, 204 absent). Any subscription and resource group is
 * accepted on these paths; the account is a namespace (AccountsApi lists them; DeploymentService checks a model's
 * account). Also the legacy data-plane listing (docs/reference/API.md 5.2).
 */
public final class DeploymentsApi {
    /** Resource Manager paths carry their own api-version rules (ArmVersions), checked by the handlers. */
    static final List<Surface> ARM = List.of(new Surface("", Flavor.AZURE, false));
    static final String ACCOUNT = "/subscriptions/{subscription}/resourceGroups/{resource_group}"
            + "/providers/Microsoft.CognitiveServices/accounts/{account}";
    static final String DEPLOYMENTS = ACCOUNT + "/deployments";
    static final String DEPLOYMENT = DEPLOYMENTS + "/{deployment}";

    private final DeploymentService deployments;

    public DeploymentsApi(DeploymentService deployments) {
        this.deployments = deployments;
    }

    public void register(Routes routes) {
        routes.add(HandlerType.PUT, DEPLOYMENT, this::put, ARM);
        routes.add(HandlerType.POST, DEPLOYMENT, this::put, ARM);
        routes.add(HandlerType.GET, DEPLOYMENT, this::get, ARM);
        routes.add(HandlerType.DELETE, DEPLOYMENT, this::delete, ARM);
        routes.add(HandlerType.GET, DEPLOYMENTS, this::list, ARM);
        routes.add(HandlerType.GET, "/deployments", this::legacyList, List.of(Surface.AZURE));
        routes.add(HandlerType.GET, "/deployments/{deployment_id}", this::legacyGet, List.of(Surface.AZURE));
    }

    private void put(Call call) {
        ArmVersions.Target target = ArmVersions.target(call, "deployment");
        DeploymentRequest parsed = DeploymentRequestJson.parse(call.jsonBody(), call.path("account"), target.name());
        PutResult result = deployments.put(new DeploymentRequest(parsed.account(), parsed.name(), parsed.model(),
                parsed.sku(), parsed.raiPolicyName(), Auth.scope(call.ctx())));
        call.ctx().status(result.created() ? 201 : 200);
        call.ctx().json(arm(call, result.deployment()));
    }

    private void get(Call call) {
        ArmVersions.Target target = ArmVersions.target(call, "deployment");
        call.ctx().json(arm(call, deployments.get(call.path("account"), target.name())));
    }

    private void list(Call call) {
        ArmVersions.target(call, null);
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode value = out.putArray("value");
        for (Deployment d : deployments.list(call.path("account"))) value.add(arm(call, d));
        call.ctx().json(out);
    }

    private void delete(Call call) {
        ArmVersions.Target target = ArmVersions.target(call, "deployment");
        boolean deleted = deployments.delete(call.path("account"), target.name());
        call.ctx().status(deleted ? 200 : 204);
    }

    private void legacyList(Call call) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        deployments.all().forEach(d -> data.add(DeploymentJson.legacy(d)));
        call.ctx().json(out);
    }

    private void legacyGet(Call call) {
        String id = call.path("deployment_id");
        Deployment d = deployments.find(id).orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND,
                "Deployment '" + id + "' was not found.", null));
        call.ctx().json(DeploymentJson.legacy(d));
    }

    private ObjectNode arm(Call call, Deployment d) {
        String accountId = DeploymentJson.accountId(call.path("subscription"), call.path("resource_group"), d.account());
        return DeploymentJson.arm(d, accountId, deployments.capabilities(d), deployments.expiry(d));
    }
}
