package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.safety.SafetyService;
import io.javalin.http.HandlerType;
import java.util.List;
import java.util.function.Function;

/**
 * Content filtering resources at their Resource Manager paths (docs/safety.md): {@code raiPolicies},
 * {@code raiBlocklists} and their {@code raiBlocklistItems}. PUT creates (201) or replaces (200), GET, list
 * ({@code {"value": [...]}}), DELETE (200 deleted, 204 absent); errors in the one envelope.
 */
public final class RaiApi {
    static final String POLICIES = DeploymentsApi.ACCOUNT + "/raiPolicies";
    static final String POLICY = POLICIES + "/{policy}";
    static final String BLOCKLISTS = DeploymentsApi.ACCOUNT + "/raiBlocklists";
    static final String BLOCKLIST = BLOCKLISTS + "/{blocklist}";
    static final String ITEMS = BLOCKLIST + "/raiBlocklistItems";
    static final String ITEM = ITEMS + "/{item}";

    private final SafetyService safety;

    public RaiApi(SafetyService safety) {
        this.safety = safety;
    }

    public void register(Routes routes) {
        routes.add(HandlerType.PUT, POLICY, this::putPolicy, DeploymentsApi.ARM);
        routes.add(HandlerType.GET, POLICY, c -> c.ctx().json(RaiJson.policy(
                safety.policy(account(c), ArmVersions.target(c, "policy").name()), accountId(c))), DeploymentsApi.ARM);
        routes.add(HandlerType.DELETE, POLICY, c -> deleted(c, safety.deletePolicy(account(c),
                ArmVersions.target(c, "policy").name())), DeploymentsApi.ARM);
        routes.add(HandlerType.GET, POLICIES, c -> list(c, safety.policies(account(c)), p -> RaiJson.policy(p, accountId(c))),
                DeploymentsApi.ARM);

        routes.add(HandlerType.PUT, BLOCKLIST, this::putBlocklist, DeploymentsApi.ARM);
        routes.add(HandlerType.GET, BLOCKLIST, c -> c.ctx().json(RaiJson.blocklist(
                safety.blocklist(account(c), ArmVersions.target(c, "blocklist").name()), accountId(c))), DeploymentsApi.ARM);
        routes.add(HandlerType.DELETE, BLOCKLIST, c -> deleted(c, safety.deleteBlocklist(account(c),
                ArmVersions.target(c, "blocklist").name())), DeploymentsApi.ARM);
        routes.add(HandlerType.GET, BLOCKLISTS, c -> list(c, safety.blocklists(account(c)),
                b -> RaiJson.blocklist(b, accountId(c))), DeploymentsApi.ARM);

        routes.add(HandlerType.PUT, ITEM, this::putItem, DeploymentsApi.ARM);
        routes.add(HandlerType.GET, ITEM, c -> c.ctx().json(RaiJson.item(safety.item(account(c), c.path("blocklist"),
                ArmVersions.target(c, "item").name()), accountId(c))), DeploymentsApi.ARM);
        routes.add(HandlerType.DELETE, ITEM, c -> deleted(c, safety.deleteItem(account(c), c.path("blocklist"),
                ArmVersions.target(c, "item").name())), DeploymentsApi.ARM);
        routes.add(HandlerType.GET, ITEMS, c -> list(c, safety.items(account(c), c.path("blocklist")),
                i -> RaiJson.item(i, accountId(c))), DeploymentsApi.ARM);
    }

    private void putPolicy(Call call) {
        String name = ArmVersions.target(call, "policy").name();
        SafetyService.Put<dev.whetstone.safety.RaiPolicy> put =
                safety.putPolicy(RaiJson.policyRequest(call.jsonBody(), account(call), name));
        call.ctx().status(put.created() ? 201 : 200).json(RaiJson.policy(put.value(), accountId(call)));
    }

    private void putBlocklist(Call call) {
        String name = ArmVersions.target(call, "blocklist").name();
        SafetyService.Put<dev.whetstone.safety.RaiBlocklist> put =
                safety.putBlocklist(account(call), name, RaiJson.description(call.jsonBody()));
        call.ctx().status(put.created() ? 201 : 200).json(RaiJson.blocklist(put.value(), accountId(call)));
    }

    private void putItem(Call call) {
        String name = ArmVersions.target(call, "item").name();
        RaiJson.ItemInput in = RaiJson.item(call.jsonBody());
        SafetyService.Put<dev.whetstone.safety.RaiBlocklistItem> put =
                safety.putItem(account(call), call.path("blocklist"), name, in.pattern(), in.regex());
        call.ctx().status(put.created() ? 201 : 200).json(RaiJson.item(put.value(), accountId(call)));
    }

    private static <T> void list(Call call, List<T> values, Function<T, ObjectNode> render) {
        ArmVersions.target(call, null);
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode value = out.putArray("value");
        values.forEach(v -> value.add(render.apply(v)));
        call.ctx().json(out);
    }

    private static void deleted(Call call, boolean deleted) {
        call.ctx().status(deleted ? 200 : 204);
    }

    private static String account(Call call) { return call.path("account"); }

    private static String accountId(Call call) {
        return DeploymentJson.accountId(call.path("subscription"), call.path("resource_group"), call.path("account"));
    }
}
