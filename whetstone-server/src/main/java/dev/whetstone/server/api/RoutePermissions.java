package dev.whetstone.server.api;

import dev.whetstone.server.auth.Permission;
import io.javalin.http.HandlerType;

/**
 * The permission each route needs, from its method and path template (without the surface prefix): one rule set
 * for every API class, so a new route is covered the moment it is registered. docs/security.md lists the outcome
 * for every route, and RolesMatrixTest checks the running service against that table.
 */
final class RoutePermissions {
    private RoutePermissions() {}

    /** The permission, or null for the public routes (cloud metadata, the two sign-in endpoints). */
    static Permission of(HandlerType method, String path) {
        if (path.startsWith("/metadata/") || path.startsWith(ManagementApi.MSI_PATH) || path.startsWith("/adfs/")) return null;
        boolean read = method == HandlerType.GET || method == HandlerType.HEAD;
        if (path.startsWith("/subscriptions")) {
            if (path.endsWith("/listKeys") || path.endsWith("/regenerateKey")) return Permission.KEYS;
            return read ? Permission.MANAGEMENT_READ : Permission.MANAGEMENT_WRITE;
        }
        if (method == HandlerType.POST && (path.endsWith("/chat/completions") || path.endsWith("/completions"))) {
            return Permission.INFERENCE;
        }
        if (read && path.endsWith("/export")) return Permission.DATA_WRITE; // the weights themselves, not metadata
        // listings some clients fetch with POST (JobsApi): reads all the same
        if (path.endsWith("/events") || path.endsWith("/checkpoints")) return Permission.DATA_READ;
        return read ? Permission.DATA_READ : Permission.DATA_WRITE;
    }
}
