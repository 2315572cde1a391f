package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.deployments.Deployment;
import dev.whetstone.deployments.DeploymentLifecycle;
import dev.whetstone.deployments.ProvisioningState;
import dev.whetstone.safety.RaiPolicy;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A deployment as Resource Manager shows it (docs/reference/API.md 5.1), and as the legacy data plane did (docs/reference/API.md 5.2). */
final class DeploymentJson {
    static final String TYPE = "Microsoft.CognitiveServices/accounts/deployments";
    private static final long TOKENS_PER_UNIT = 1000;
    private static final long REQUESTS_PER_UNIT = 6;

    private DeploymentJson() {}

    static String accountId(String subscription, String resourceGroup, String account) {
        return "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.CognitiveServices/accounts/" + account;
    }

    static ObjectNode arm(Deployment d, String accountId, Map<String, String> capabilities,
                          Optional<DeploymentLifecycle.Expiry> expiry) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", accountId + "/deployments/" + d.name());
        n.put("name", d.name());
        n.put("type", TYPE);
        ObjectNode sku = n.putObject("sku");
        sku.put("name", d.sku().name());
        sku.put("capacity", d.sku().capacity());
        ObjectNode p = n.putObject("properties");
        ObjectNode model = p.putObject("model");
        model.put("format", d.model().format());
        model.put("name", d.model().name());
        model.put("version", d.model().version());
        if (d.model().source() != null) model.put("source", d.model().source());
        // The 2022-12-01 shape's capacity (the Azure CLI 2.45 reads and prints it); later versions still define it.
        ObjectNode scale = p.putObject("scaleSettings");
        scale.put("scaleType", "Standard");
        scale.put("capacity", d.sku().capacity());
        scale.put("activeCapacity", d.sku().capacity());
        p.put("raiPolicyName", d.raiPolicyName() != null ? d.raiPolicyName() : RaiPolicy.DEFAULT);
        p.put("provisioningState", d.state().wireName());
        if (d.error() != null) {
            ObjectNode error = p.putObject("error");
            error.put("code", "ModelLoadFailed");
            error.put("message", d.error());
        }
        // Expiry (docs/deployments.md): when the service deletes it unless it is used (or, DeveloperTier, regardless).
        if (d.lastUsedAt() > 0) p.put("lastUsedAt", Instant.ofEpochSecond(d.lastUsedAt()).toString());
        expiry.ifPresent(e -> {
            p.put("expiresAt", e.at().toString());
            p.put("expiryReason", e.reason().wireName());
        });
        ObjectNode caps = p.putObject("capabilities");
        new TreeMap<>(capabilities).forEach(caps::put);
        limits(p, d.sku().capacity());
        systemData(n.putObject("systemData"), d.createdAt(), d.updatedAt());
        n.put("etag", "\"" + d.etag() + "\"");
        return n;
    }

    /** Capacity N: N × 6 requests and N × 1000 tokens per 60 seconds (BucketQuota enforces them). */
    private static void limits(ObjectNode p, int capacity) {
        ObjectNode call = p.putObject("callRateLimit");
        call.put("count", capacity * REQUESTS_PER_UNIT);
        call.put("renewalPeriod", 60);
        call.putArray("rules");
        ArrayNode limits = p.putArray("rateLimits");
        ObjectNode requests = limits.addObject();
        requests.put("key", "request");
        requests.put("renewalPeriod", 60);
        requests.put("count", capacity * REQUESTS_PER_UNIT);
        ObjectNode tokens = limits.addObject();
        tokens.put("key", "token");
        tokens.put("renewalPeriod", 60);
        tokens.put("count", capacity * TOKENS_PER_UNIT);
    }

    /** ARM's systemData; this service is the only writer. Times are epoch seconds. */
    static void systemData(ObjectNode s, long createdAt, long updatedAt) {
        s.put("createdBy", "whetstone");
        s.put("createdByType", "Application");
        s.put("createdAt", Instant.ofEpochSecond(createdAt).toString());
        s.put("lastModifiedBy", "whetstone");
        s.put("lastModifiedByType", "Application");
        s.put("lastModifiedAt", Instant.ofEpochSecond(updatedAt).toString());
    }

    /** The 2022-12-01 data-plane object; {@code status} in the legacy State enum. */
    static ObjectNode legacy(Deployment d) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("object", "deployment");
        n.put("id", d.name());
        n.put("model", d.model().name());
        n.put("owner", "organization-owner");
        ObjectNode scale = n.putObject("scale_settings");
        scale.put("scale_type", "standard");
        scale.put("capacity", d.sku().capacity());
        n.put("status", legacyStatus(d.state()));
        n.put("created_at", d.createdAt());
        n.put("updated_at", d.updatedAt());
        if (d.error() != null) {
            ObjectNode error = n.putObject("error");
            error.put("code", "internalFailure");
            error.put("message", d.error());
        }
        return n;
    }

    private static String legacyStatus(ProvisioningState state) {
        return switch (state) {
            case SUCCEEDED -> "succeeded";
            case FAILED -> "failed";
            case CANCELED -> "canceled";
            case DELETING -> "deleted";
            case DISABLED -> "notRunning";
            default -> "running";
        };
    }
}
