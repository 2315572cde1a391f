package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.deployments.AccountNames;
import dev.whetstone.error.ApiException;
import dev.whetstone.server.auth.AccountKeys;
import dev.whetstone.store.AccountKeyStore;
import io.javalin.http.HandlerType;

/**
 * The account keys as ARM serves them (docs/security.md): {@code POST {account}/listKeys} answers
 * {@code {key1, key2}} (generated on the account's first listing), {@code POST {account}/regenerateKey} with
 * {@code {"keyName": "Key1"|"Key2"}} replaces one and answers both. Either key is a credential with the role
 * openai-contributor; the old one stops working at once.
 */
public final class AccountKeysApi {
    private final AccountKeys keys;
    private final AccountNames accounts;

    public AccountKeysApi(AccountKeys keys, AccountNames accounts) {
        this.keys = keys;
        this.accounts = accounts;
    }

    public void register(Routes routes) {
        routes.add(HandlerType.POST, DeploymentsApi.ACCOUNT + "/listKeys", this::list, DeploymentsApi.ARM);
        routes.add(HandlerType.POST, DeploymentsApi.ACCOUNT + "/regenerateKey", this::regenerate, DeploymentsApi.ARM);
    }

    private void list(Call call) {
        ArmVersions.require(call.query("api-version"));
        call.ctx().json(json(keys.list(accounts.require(call.path("account")))));
    }

    private void regenerate(Call call) {
        ArmVersions.require(call.query("api-version"));
        String account = accounts.require(call.path("account"));
        JsonNode name = call.jsonBody().get("keyName");
        if (name == null || !name.isTextual()) {
            throw ApiException.invalid("keyName", "keyName is required: \"Key1\" or \"Key2\".");
        }
        int number = switch (name.asText().toLowerCase(java.util.Locale.ROOT)) {
            case "key1" -> 1;
            case "key2" -> 2;
            default -> throw ApiException.invalid("keyName", "keyName '" + name.asText() + "' is not supported; allowed: Key1, Key2.");
        };
        call.ctx().json(json(keys.regenerate(account, number)));
    }

    private static ObjectNode json(AccountKeyStore.AccountKeys k) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("key1", k.key1());
        out.put("key2", k.key2());
        return out;
    }
}
