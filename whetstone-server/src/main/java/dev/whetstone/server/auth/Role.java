package dev.whetstone.server.auth;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a credential may do (docs/security.md): the four Azure roles of an Azure OpenAI resource, the service's own
 * {@code admin} (everything, the service key), and {@code inference} (only the completion endpoints). A credential can
 * hold several roles (an identity provider's token lists them); it may do what any of them grants.
 */
public enum Role {
    ADMIN("admin", "Owner", EnumSet.allOf(Permission.class)),
    /** Manages the resource: deployments, content filters, keys; no data-plane access. */
    CONTRIBUTOR("contributor", "Cognitive Services Contributor",
            EnumSet.of(Permission.MANAGEMENT_READ, Permission.MANAGEMENT_WRITE, Permission.KEYS)),
    /** Fine-tunes and uploads, calls models, reads everything but keys. */
    OPENAI_CONTRIBUTOR("openai-contributor", "Cognitive Services OpenAI Contributor",
            EnumSet.of(Permission.INFERENCE, Permission.DATA_READ, Permission.DATA_WRITE, Permission.MANAGEMENT_READ)),
    /** Calls models and reads. */
    OPENAI_USER("openai-user", "Cognitive Services OpenAI User",
            EnumSet.of(Permission.INFERENCE, Permission.DATA_READ, Permission.MANAGEMENT_READ)),
    /** Reads the resource (deployments, content filters, subscriptions, metrics); no data plane, no keys. */
    READER("reader", "Reader", EnumSet.of(Permission.MANAGEMENT_READ)),
    /** The service's inference-only keys and tokens: the completion endpoints only. */
    INFERENCE("inference", "Inference only", EnumSet.of(Permission.INFERENCE));

    private final String wire;
    private final String azureName;
    private final Set<Permission> permissions;

    Role(String wire, String azureName, Set<Permission> permissions) {
        this.wire = wire;
        this.azureName = azureName;
        this.permissions = permissions;
    }

    public String wireName() { return wire; }

    /** The Azure role's display name ("Cognitive Services OpenAI User"), which identity providers' claims carry. */
    public String azureName() { return azureName; }

    public boolean grants(Permission p) { return permissions.contains(p); }

    /** By wire name ({@code openai-user}) or Azure display name, case-insensitively. */
    public static Role fromWire(String value) {
        String v = value == null ? "" : value.strip();
        for (Role r : values()) {
            if (r.wire.equalsIgnoreCase(v) || r.azureName.equalsIgnoreCase(v)) return r;
        }
        throw new IllegalArgumentException("unknown role '" + value + "'; allowed: " + allowed());
    }

    public static String allowed() {
        StringBuilder out = new StringBuilder();
        for (Role r : values()) {
            if (!out.isEmpty()) out.append(", ");
            out.append(r.wire);
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
