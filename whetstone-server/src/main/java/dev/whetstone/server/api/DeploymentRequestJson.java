package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.deployments.Deployment;
import dev.whetstone.deployments.DeploymentRequest;
import dev.whetstone.error.ApiException;

/**
 * Reads a PUT body (docs/reference/API.md 5.1): {@code sku {name, capacity}} and {@code properties.model {format, name, version,
 * source}} and {@code properties.raiPolicyName}, or the older {@code properties.scaleSettings {scaleType, capacity}} instead of {@code sku}. Shapes are
 * checked here (400 naming the field); values by the service.
 */
final class DeploymentRequestJson {
    private DeploymentRequestJson() {}

    static DeploymentRequest parse(ObjectNode body, String account, String name) {
        ObjectNode properties = object(body, "properties", "properties", true);
        ObjectNode model = object(properties, "model", "properties.model", true);
        Deployment.ModelRef ref = new Deployment.ModelRef(text(model, "format", "properties.model.format"),
                text(model, "name", "properties.model.name"), text(model, "version", "properties.model.version"),
                text(model, "source", "properties.model.source"));
        return new DeploymentRequest(account, name, ref, sku(body, properties),
                text(properties, "raiPolicyName", "properties.raiPolicyName"));
    }

    private static Deployment.Sku sku(ObjectNode body, ObjectNode properties) {
        ObjectNode sku = object(body, "sku", "sku", false);
        if (sku != null) {
            String skuName = text(sku, "name", "sku.name");
            if (skuName == null) throw ApiException.invalid("sku.name", "sku.name is required, e.g. \"Standard\".");
            return new Deployment.Sku(skuName, capacity(sku, "sku.capacity"));
        }
        ObjectNode scale = object(properties, "scaleSettings", "properties.scaleSettings", false);
        if (scale != null) {
            String type = text(scale, "scaleType", "properties.scaleSettings.scaleType");
            if (type != null && !type.equalsIgnoreCase("Standard") && !type.equalsIgnoreCase("Manual")) {
                throw ApiException.invalid("properties.scaleSettings.scaleType", "properties.scaleSettings.scaleType '"
                        + type + "' is not supported; allowed: Standard, Manual.");
            }
            return new Deployment.Sku("Standard", capacity(scale, "properties.scaleSettings.capacity"));
        }
        return new Deployment.Sku("Standard", 1);
    }

    /** An integer, or a string of digits (the Azure CLI's flags are strings); 1 when absent. */
    private static int capacity(ObjectNode node, String field) {
        JsonNode v = node.get("capacity");
        if (v == null || v.isNull()) return 1;
        if (v.isIntegralNumber() && v.canConvertToInt()) return v.intValue();
        if (v.isTextual() && v.asText().strip().matches("\\d{1,9}")) return Integer.parseInt(v.asText().strip());
        throw ApiException.invalid(field, field + " must be an integer, got " + v + ".");
    }

    static ObjectNode object(ObjectNode parent, String key, String field, boolean required) {
        JsonNode v = parent.get(key);
        if (v == null || v.isNull()) {
            if (!required) return null;
            throw ApiException.invalid(field, field + " is required: send {\"sku\":{\"name\":\"Standard\",\"capacity\":1},"
                    + "\"properties\":{\"model\":{\"format\":\"OpenAI\",\"name\":\"<model>\",\"version\":\"1\"}}}.");
        }
        if (!v.isObject()) throw ApiException.invalid(field, field + " must be a JSON object, got " + v.getNodeType() + ".");
        return (ObjectNode) v;
    }

    /** A string field (a number is taken as its text: versions are sometimes sent as 1); null when absent. */
    static String text(ObjectNode node, String key, String field) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) return null;
        if (v.isTextual()) return v.asText();
        if (v.isNumber()) return v.asText();
        throw ApiException.invalid(field, field + " must be a string, got " + v.getNodeType() + ".");
    }
}
