package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.deployments.Accounts;
import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import dev.whetstone.store.AccountStore.Account;
import io.javalin.http.HandlerType;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The namespaces through Resource Manager GETs (docs/deployments.md, "Accounts"): subscriptions (the configured one,
 * which sign-ins land in, and those accounts were created in), their resource groups and accounts, and one account.
 * A credential limited to one account sees only that account, its resource group and its subscription.
 */
public final class AccountsApi {
    static final String SUBSCRIPTION = "/subscriptions/{subscription}";
    static final String GROUP = SUBSCRIPTION + "/resourceGroups/{resource_group}";
    static final String PROVIDER = "/providers/Microsoft.CognitiveServices/accounts";
    /** Accounts have no region here; ARM requires a location, so every resource reports this one. */
    static final String LOCATION = "local";

    private final Accounts accounts;
    private final String subscription;
    private final String tenant;

    /** @param subscription the configured subscription, listed even before an account uses it */
    public AccountsApi(Accounts accounts, String subscription, String tenant) {
        this.accounts = accounts;
        this.subscription = subscription;
        this.tenant = tenant;
    }

    public void register(Routes routes) {
        List<Surface> arm = DeploymentsApi.ARM;
        routes.add(HandlerType.GET, "/subscriptions", this::subscriptions, arm);
        routes.add(HandlerType.GET, SUBSCRIPTION, this::subscription, arm);
        routes.add(HandlerType.GET, SUBSCRIPTION + "/resourceGroups", this::groups, arm);
        routes.add(HandlerType.GET, GROUP, this::group, arm);
        routes.add(HandlerType.GET, SUBSCRIPTION + PROVIDER, this::subscriptionAccounts, arm);
        routes.add(HandlerType.GET, GROUP + PROVIDER, this::groupAccounts, arm);
        routes.add(HandlerType.GET, DeploymentsApi.ACCOUNT, this::account, arm);
    }

    /** {@code GET /subscriptions?api-version=2019-11-01}: what a sign-in lists (it fails on an empty list). */
    private void subscriptions(Call call) {
        ArmVersions.requireAny(call.query("api-version"));
        // the configured subscription first (sign-ins pick the first), then those accounts were created in
        List<String> ids = new java.util.ArrayList<>();
        if (Auth.scope(call.ctx()).account() == null) ids.add(subscription);
        visible(call).map(Account::subscription).sorted(String.CASE_INSENSITIVE_ORDER).forEach(s -> {
            if (ids.stream().noneMatch(s::equalsIgnoreCase)) ids.add(s);
        });
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode value = out.putArray("value");
        ids.forEach(s -> value.add(subscriptionJson(s)));
        ObjectNode count = out.putObject("count");
        count.put("type", "Total");
        count.put("value", value.size());
        call.ctx().json(out);
    }

    private void subscription(Call call) {
        ArmVersions.requireAny(call.query("api-version"));
        call.ctx().json(subscriptionJson(requireSubscription(call)));
    }

    private void groups(Call call) {
        ArmVersions.requireAny(call.query("api-version"));
        String sub = requireSubscription(call);
        TreeMap<String, Account> groups = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        visible(call).filter(a -> a.subscription().equalsIgnoreCase(sub)).forEach(a -> groups.putIfAbsent(a.resourceGroup(), a));
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode value = out.putArray("value");
        groups.values().forEach(a -> value.add(groupJson(a)));
        call.ctx().json(out);
    }

    private void group(Call call) {
        ArmVersions.requireAny(call.query("api-version"));
        String sub = requireSubscription(call);
        String group = call.path("resource_group");
        Account a = visible(call).filter(x -> x.subscription().equalsIgnoreCase(sub) && x.resourceGroup().equalsIgnoreCase(group))
                .findFirst().orElseThrow(() -> groupNotFound(group));
        call.ctx().json(groupJson(a));
    }

    private void subscriptionAccounts(Call call) {
        ArmVersions.requireAny(call.query("api-version"));
        String sub = requireSubscription(call);
        list(call, a -> a.subscription().equalsIgnoreCase(sub));
    }

    private void groupAccounts(Call call) {
        ArmVersions.requireAny(call.query("api-version"));
        String sub = requireSubscription(call);
        String group = call.path("resource_group");
        if (visible(call).noneMatch(a -> a.subscription().equalsIgnoreCase(sub) && a.resourceGroup().equalsIgnoreCase(group))) {
            throw groupNotFound(group);
        }
        list(call, a -> a.subscription().equalsIgnoreCase(sub) && a.resourceGroup().equalsIgnoreCase(group));
    }

    /** {@code GET …/accounts/{account}}: only at its home (subscription and resource group of its first use). */
    private void account(Call call) {
        ArmVersions.requireAny(call.query("api-version"));
        String name = call.path("account");
        String group = call.path("resource_group");
        Auth.requireAccount(call.ctx(), name, call.ctx().path());
        Account a = accounts.find(name).filter(x -> x.subscription().equalsIgnoreCase(call.path("subscription"))
                && x.resourceGroup().equalsIgnoreCase(group)).orElseThrow(() -> new ApiException(
                ErrorCode.RESOURCE_NOT_FOUND, "The Resource 'Microsoft.CognitiveServices/accounts/" + name + "' under "
                + "resource group '" + group + "' was not found. For more details please go to "
                + "https://aka.ms/ARMResourceNotFoundFix", null));
        call.ctx().json(accountJson(call, a));
    }

    private void list(Call call, Predicate<Account> which) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode value = out.putArray("value");
        visible(call).filter(which).forEach(a -> value.add(accountJson(call, a)));
        call.ctx().json(out);
    }

    /** The accounts the credential reaches. */
    private java.util.stream.Stream<Account> visible(Call call) {
        var scope = Auth.scope(call.ctx());
        return accounts.all().stream().filter(a -> scope.mayRead(a.name()));
    }

    /** The subscription of the path, as stored (404 SubscriptionNotFound when neither configured nor used). */
    private String requireSubscription(Call call) {
        String id = call.path("subscription");
        if (Auth.scope(call.ctx()).account() == null && id.equalsIgnoreCase(subscription)) return subscription;
        return visible(call).map(Account::subscription).filter(id::equalsIgnoreCase).findFirst()
                .orElseThrow(() -> new ApiException(ErrorCode.SUBSCRIPTION_NOT_FOUND,
                        "The subscription '" + id + "' could not be found.", null));
    }

    private static ApiException groupNotFound(String group) {
        return new ApiException(ErrorCode.RESOURCE_GROUP_NOT_FOUND, "Resource group '" + group + "' could not be found.", null);
    }

    private ObjectNode subscriptionJson(String id) {
        ObjectNode s = Json.MAPPER.createObjectNode();
        s.put("id", "/subscriptions/" + id);
        s.put("authorizationSource", "RoleBased");
        s.putArray("managedByTenants");
        s.put("subscriptionId", id);
        s.put("tenantId", tenant);
        s.put("displayName", id.equalsIgnoreCase(subscription) ? "Whetstone" : "Whetstone " + id);
        s.put("state", "Enabled");
        ObjectNode policies = s.putObject("subscriptionPolicies");
        policies.put("locationPlacementId", "Public_2014-09-01");
        policies.put("quotaId", "Internal_2014-09-01");
        policies.put("spendingLimit", "Off");
        return s;
    }

    private static ObjectNode groupJson(Account a) {
        ObjectNode g = Json.MAPPER.createObjectNode();
        g.put("id", "/subscriptions/" + a.subscription() + "/resourceGroups/" + a.resourceGroup());
        g.put("name", a.resourceGroup());
        g.put("type", "Microsoft.Resources/resourceGroups");
        g.put("location", LOCATION);
        g.putObject("properties").put("provisioningState", "Succeeded");
        return g;
    }

    /** An account in the shape of ARM's {@code Account} (Microsoft.CognitiveServices 2023-05-01). */
    private static ObjectNode accountJson(Call call, Account a) {
        String endpoint = call.baseUrl() + "/";
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", Accounts.armId(a));
        n.put("name", a.name());
        n.put("type", "Microsoft.CognitiveServices/accounts");
        n.put("location", LOCATION);
        n.put("kind", "OpenAI");
        n.putObject("sku").put("name", "S0");
        n.putObject("tags");
        ObjectNode p = n.putObject("properties");
        p.put("endpoint", endpoint);
        p.putObject("endpoints").put("OpenAI Language Model Instance API", endpoint);
        p.put("provisioningState", "Succeeded");
        p.put("customSubDomainName", a.name().toLowerCase(Locale.ROOT));
        p.put("dateCreated", Instant.ofEpochSecond(a.createdAt()).toString());
        p.put("publicNetworkAccess", "Enabled");
        DeploymentJson.systemData(n.putObject("systemData"), a.createdAt(), a.createdAt());
        return n;
    }
}
