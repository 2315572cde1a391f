package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import dev.whetstone.server.auth.Credentials;
import dev.whetstone.server.auth.Role;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * What both sign-in endpoints of the Azure CLI (managed identity, ADFS client credentials) do: exchange a key of the
 * service — an API key with its role, or an account's key1/key2 — for a JWT the service signs, valid one hour, with
 * the key's role, the tenant ({@code tid}, which the CLI reads), the audience asked for, and the key's account when
 * it is an account key (the token then reaches only that account, docs/security.md).
 */
final class KeyTokens {
    static final Duration LIFETIME = Duration.ofHours(1);

    private final Credentials credentials;
    private final String tenant;
    private final Clock clock;

    KeyTokens(Credentials credentials, String tenant, Clock clock) {
        this.credentials = credentials;
        this.tenant = tenant;
        this.clock = clock;
    }

    /** The identity of the presented key, or 401 saying {@code what} was not a key. */
    Credentials.Identity identify(String key, String what) {
        Optional<Credentials.Identity> id = credentials.keyIdentity(key.strip());
        return id.orElseThrow(() -> new ApiException(ErrorCode.UNAUTHORIZED, what + " is not an API key or account key "
                + "of this service."));
    }

    /** The token answer, with {@code expires_in}, {@code expires_on} (epoch seconds) and {@code token_type}. */
    ObjectNode issue(Credentials.Identity id, String audience) {
        if (credentials.tokens() == null) throw new ApiException(ErrorCode.FORBIDDEN, "This service signs no tokens.");
        Role role = id.roles().iterator().next(); // a key has one role
        String token = credentials.tokens().mint(role, LIFETIME, tenant, audience, id.account());
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("access_token", token);
        out.put("token_type", "Bearer");
        out.put("expires_in", Long.toString(LIFETIME.toSeconds()));
        out.put("expires_on", Long.toString(clock.instant().plus(LIFETIME).getEpochSecond()));
        return out;
    }
}
