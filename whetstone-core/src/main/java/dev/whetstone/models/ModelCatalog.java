package dev.whetstone.models;

import dev.whetstone.error.ApiException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The models clients can name: the base models found in the models directory, reachable also through
 * operator-given aliases (so clients that hard-code Azure names such as gpt-35-turbo-0613 find a local model).
 */
public final class ModelCatalog {
    private final Supplier<List<BaseModel>> baseModels;
    private final Map<String, String> aliases;

    public ModelCatalog(Supplier<List<BaseModel>> baseModels, Map<String, String> aliases) {
        this.baseModels = baseModels;
        this.aliases = Map.copyOf(aliases);
    }

    public List<BaseModel> baseModels() { return baseModels.get(); }

    public Map<String, String> aliases() { return aliases; }

    /** Finds a base model by id or alias. */
    public Optional<BaseModel> findBase(String idOrAlias) {
        String id = aliases.getOrDefault(idOrAlias, idOrAlias);
        return baseModels.get().stream().filter(m -> m.id().equals(id)).findFirst();
    }

    public BaseModel getBase(String idOrAlias) {
        return findBase(idOrAlias).orElseThrow(() -> ApiException.notFound("Model", idOrAlias));
    }
}
