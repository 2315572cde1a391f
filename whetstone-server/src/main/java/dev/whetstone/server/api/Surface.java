package dev.whetstone.server.api;

import java.util.List;

/**
 * A path prefix under which the data-plane operations are served. The same handlers answer on each:
 * Azure's {@code /openai} (api-version required), the prefix the Java SDK adds in Azure LEGACY mode
 * ({@code /openai/deployments/{x}}, docs/reference/CLIENTS.md 1: the segment is ignored), OpenAI's {@code /v1}, Azure's v1
 * surface {@code /openai/v1}, and the bare root the Java SDK falls back to for non-Azure hosts.
 */
public record Surface(String prefix, Flavor flavor, boolean requiresApiVersion) {
    public static final Surface AZURE = new Surface("/openai", Flavor.AZURE, true);
    public static final Surface AZURE_DEPLOYMENT_PREFIX =
            new Surface("/openai/deployments/{ignored_deployment}", Flavor.AZURE, true);
    public static final Surface AZURE_V1 = new Surface("/openai/v1", Flavor.OPENAI, false);
    public static final Surface OPENAI_V1 = new Surface("/v1", Flavor.OPENAI, false);
    public static final Surface ROOT = new Surface("", Flavor.OPENAI, false);

    /** Surfaces for authoring operations (files, jobs, models). */
    public static final List<Surface> AUTHORING = List.of(AZURE, AZURE_DEPLOYMENT_PREFIX, AZURE_V1, OPENAI_V1, ROOT);
}
