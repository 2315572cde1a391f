package dev.whetstone.deployments;

import dev.whetstone.error.ApiException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks a PUT body's values (docs/reference/API.md 5.1); every failure is a 400 naming the field and what is allowed. */
final class RequestChecks {
    /** Letters, digits, '-', '_' and '.', as the Azure portal allows; it ends up in inference URLs. */
    private static final Pattern DEPLOYMENT_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}");
    private static final Pattern SOURCE = Pattern.compile("(?i)/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/"
            + "Microsoft\\.CognitiveServices/accounts/([^/]+)/?");
    static final List<String> SKUS = List.of("Standard", "GlobalStandard", DeploymentLifecycle.DEVELOPER_TIER);
    static final int MAX_CAPACITY = 10_000;

    private RequestChecks() {}

    static String name(String name) {
        if (name == null || !DEPLOYMENT_NAME.matcher(name).matches()) {
            throw ApiException.invalid("deploymentName", "Deployment name '" + name + "' is invalid: it must have 1 to "
                    + "64 characters, letters, digits, '_', '.' or '-', starting with a letter or digit.");
        }
        return name;
    }

    /** The canonical spelling of a supported SKU name (compared case-insensitively: the docs write "standard"). */
    static Deployment.Sku sku(Deployment.Sku sku) {
        String canonical = SKUS.stream().filter(s -> s.equalsIgnoreCase(sku.name())).findFirst()
                .orElseThrow(() -> ApiException.invalid("sku.name", "sku.name '" + sku.name() + "' is not supported; "
                        + "allowed: " + String.join(", ", SKUS) + " (case-insensitive)."));
        if (sku.capacity() < 1 || sku.capacity() > MAX_CAPACITY) {
            throw ApiException.invalid("sku.capacity", "sku.capacity must be an integer from 1 to " + MAX_CAPACITY
                    + " (each unit is 1000 tokens and 6 requests per minute), got " + sku.capacity() + ".");
        }
        return new Deployment.Sku(canonical, sku.capacity());
    }

    /** Format OpenAI (echoed canonically), version "1" when absent, a well-formed source if any. */
    static Deployment.ModelRef model(Deployment.ModelRef model) {
        if (model.name() == null || model.name().isBlank()) {
            throw ApiException.invalid("properties.model.name", "properties.model.name is required: a base model, a "
                    + "fine-tuned model id, or a checkpoint id (ftchkpt-…) or name (…:ckpt-step-N).");
        }
        if (model.format() != null && !model.format().equalsIgnoreCase("OpenAI")) {
            throw ApiException.invalid("properties.model.format", "properties.model.format '" + model.format()
                    + "' is not supported; allowed: OpenAI.");
        }
        String version = model.version() == null || model.version().isBlank() ? "1" : model.version();
        if (model.source() != null) source(model.source());
        return new Deployment.ModelRef("OpenAI", model.name(), version, model.source());
    }

    /** The parts of a source account's ARM id. */
    record SourceId(String subscription, String resourceGroup, String account) {}

    /** The account a source ARM id names (Accounts checks that it exists, owns the model and the caller reads it). */
    static SourceId source(String source) {
        Matcher m = SOURCE.matcher(source);
        if (!m.matches() || !AccountNames.valid(m.group(3))) {
            throw ApiException.invalid("properties.model.source", "properties.model.source '" + source + "' is not an "
                    + "account's ARM id: expected /subscriptions/{id}/resourceGroups/{group}/providers/"
                    + "Microsoft.CognitiveServices/accounts/{account} with a valid account name.");
        }
        return new SourceId(m.group(1), m.group(2), m.group(3));
    }
}
