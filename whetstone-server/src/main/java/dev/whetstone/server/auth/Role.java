package dev.whetstone.server.auth;

import java.util.Locale;

/** What a credential may do: everything, or only call the inference endpoints. */
public enum Role {
    ADMIN,
    INFERENCE;

    public String wireName() { return name().toLowerCase(Locale.ROOT); }

    public static Role fromWire(String value) {
        for (Role r : values()) {
            if (r.wireName().equalsIgnoreCase(value)) return r;
        }
        throw new IllegalArgumentException("unknown role '" + value + "'; allowed: admin, inference");
    }
}
