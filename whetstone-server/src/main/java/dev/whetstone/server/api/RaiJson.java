package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.error.ApiException;
import dev.whetstone.safety.PolicyRequest;
import dev.whetstone.safety.RaiBlocklist;
import dev.whetstone.safety.RaiBlocklistItem;
import dev.whetstone.safety.RaiPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * RAI policies, blocklists and items as Resource Manager shows and takes them (docs/safety.md, api-version
 * 2024-10-01): the ARM envelope {@code id, name, type, etag, systemData, properties}. Shapes are checked here
 * (400 naming the field), values by the safety service.
 */
final class RaiJson {
    static final String POLICY_TYPE = "Microsoft.CognitiveServices/accounts/raiPolicies";
    static final String BLOCKLIST_TYPE = "Microsoft.CognitiveServices/accounts/raiBlocklists";
    static final String ITEM_TYPE = "Microsoft.CognitiveServices/accounts/raiBlocklists/raiBlocklistItems";

    private RaiJson() {}

    static PolicyRequest policyRequest(ObjectNode body, String account, String name) {
        ObjectNode p = properties(body);
        List<PolicyRequest.FilterInput> filters = new ArrayList<>();
        ArrayNode filterArray = array(p, "contentFilters");
        for (int i = 0; filterArray != null && i < filterArray.size(); i++) {
            String at = "properties.contentFilters[" + i + "]";
            ObjectNode f = element(filterArray, i, at);
            filters.add(new PolicyRequest.FilterInput(DeploymentRequestJson.text(f, "name", at + ".name"),
                    DeploymentRequestJson.text(f, "severityThreshold", at + ".severityThreshold"),
                    bool(f, "blocking", at + ".blocking"), bool(f, "enabled", at + ".enabled"),
                    DeploymentRequestJson.text(f, "source", at + ".source")));
        }
        List<PolicyRequest.BlocklistInput> lists = new ArrayList<>();
        ArrayNode listArray = array(p, "customBlocklists");
        for (int i = 0; listArray != null && i < listArray.size(); i++) {
            String at = "properties.customBlocklists[" + i + "]";
            ObjectNode l = element(listArray, i, at);
            lists.add(new PolicyRequest.BlocklistInput(DeploymentRequestJson.text(l, "blocklistName", at + ".blocklistName"),
                    bool(l, "blocking", at + ".blocking"), DeploymentRequestJson.text(l, "source", at + ".source")));
        }
        ObjectNode c = DeploymentRequestJson.object(p, "classifiers", "properties.classifiers", false);
        RaiPolicy.Classifiers classifiers = c == null ? null : new RaiPolicy.Classifiers(
                bool(c, "lexicon", "properties.classifiers.lexicon"),
                DeploymentRequestJson.text(c, "guardDeployment", "properties.classifiers.guardDeployment"),
                DeploymentRequestJson.text(c, "guardFormat", "properties.classifiers.guardFormat"));
        return new PolicyRequest(account, name, DeploymentRequestJson.text(p, "mode", "properties.mode"),
                DeploymentRequestJson.text(p, "basePolicyName", "properties.basePolicyName"), filters, lists, classifiers);
    }

    static String description(ObjectNode body) {
        return DeploymentRequestJson.text(properties(body), "description", "properties.description");
    }

    /** An item's {@code pattern} (required) and {@code isRegex} (false when absent). */
    record ItemInput(String pattern, boolean regex) {}

    static ItemInput item(ObjectNode body) {
        ObjectNode p = properties(body);
        Boolean regex = bool(p, "isRegex", "properties.isRegex");
        return new ItemInput(DeploymentRequestJson.text(p, "pattern", "properties.pattern"), regex != null && regex);
    }

    static ObjectNode policy(RaiPolicy policy, String accountId) {
        ObjectNode n = head(accountId + "/raiPolicies/" + policy.name(), policy.name(), POLICY_TYPE, policy.etag(),
                policy.createdAt(), policy.updatedAt());
        ObjectNode p = n.putObject("properties");
        p.put("type", policy.builtIn() ? "SystemManaged" : "UserManaged");
        p.put("mode", policy.mode());
        if (policy.basePolicyName() != null) p.put("basePolicyName", policy.basePolicyName());
        ArrayNode filters = p.putArray("contentFilters");
        for (RaiPolicy.Filter f : policy.builtIn() ? policy.effectiveFilters() : policy.contentFilters()) {
            ObjectNode o = filters.addObject();
            o.put("name", f.category().armName());
            o.put("severityThreshold", f.threshold().armName());
            o.put("blocking", f.blocking());
            o.put("enabled", f.enabled());
            o.put("source", f.source().armName());
        }
        ArrayNode lists = p.putArray("customBlocklists");
        for (RaiPolicy.BlocklistRef r : policy.customBlocklists()) {
            lists.addObject().put("blocklistName", r.blocklistName()).put("blocking", r.blocking())
                    .put("source", r.source().armName());
        }
        RaiPolicy.Classifiers c = policy.classifiers();
        if (!c.equals(RaiPolicy.Classifiers.DEFAULTS)) {
            ObjectNode o = p.putObject("classifiers");
            if (c.lexicon() != null) o.put("lexicon", c.lexicon());
            if (c.guardDeployment() != null) o.put("guardDeployment", c.guardDeployment());
            if (c.guardFormat() != null) o.put("guardFormat", c.guardFormat());
        }
        return n;
    }

    static ObjectNode blocklist(RaiBlocklist b, String accountId) {
        ObjectNode n = head(accountId + "/raiBlocklists/" + b.name(), b.name(), BLOCKLIST_TYPE, b.etag(), b.createdAt(),
                b.updatedAt());
        ObjectNode p = n.putObject("properties");
        if (b.description() != null) p.put("description", b.description());
        return n;
    }

    static ObjectNode item(RaiBlocklistItem i, String accountId) {
        ObjectNode n = head(accountId + "/raiBlocklists/" + i.blocklist() + "/raiBlocklistItems/" + i.name(), i.name(),
                ITEM_TYPE, i.etag(), i.createdAt(), i.updatedAt());
        n.putObject("properties").put("pattern", i.pattern()).put("isRegex", i.regex());
        return n;
    }

    private static ObjectNode head(String id, String name, String type, String etag, long created, long updated) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", id);
        n.put("name", name);
        n.put("type", type);
        n.put("etag", "\"" + etag + "\"");
        DeploymentJson.systemData(n.putObject("systemData"), created, updated);
        return n;
    }

    private static ObjectNode properties(ObjectNode body) {
        ObjectNode p = DeploymentRequestJson.object(body, "properties", "properties", false);
        return p != null ? p : Json.MAPPER.createObjectNode();
    }

    private static ArrayNode array(ObjectNode parent, String key) {
        JsonNode v = parent.get(key);
        if (v == null || v.isNull()) return null;
        if (!v.isArray()) throw ApiException.invalid("properties." + key, "properties." + key + " must be a JSON array, got "
                + v.getNodeType() + ".");
        return (ArrayNode) v;
    }

    private static ObjectNode element(ArrayNode array, int i, String at) {
        if (!array.get(i).isObject()) throw ApiException.invalid(at, at + " must be a JSON object, got "
                + array.get(i).getNodeType() + ".");
        return (ObjectNode) array.get(i);
    }

    private static Boolean bool(ObjectNode node, String key, String field) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return null;
        if (v.isBoolean()) return v.booleanValue();
        throw ApiException.invalid(field, field + " must be true or false, got " + v + ".");
    }
}
