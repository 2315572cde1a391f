package dev.whetstone.models;

import dev.whetstone.error.ApiException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The models clients can name: the base models found in the models directory or registered in the object store
 * ({@link #of}), reachable also through
 * operator-given aliases (so clients that hard-code Azure names such as gpt-35-turbo-0613 find a local model).
 */
public final class ModelCatalog {
    private final Supplier<List<BaseModel>> baseModels;
    private final Map<String, String> aliases;

    public ModelCatalog(Supplier<List<BaseModel>> baseModels, Map<String, String> aliases) {
        this.baseModels = baseModels;
        this.aliases = Map.copyOf(aliases);
    }

    /**
     * The models-directory folders, then the models registered in the object store whose id no folder has (a local
     * folder of the same model is read without a download).
     */
    public static ModelCatalog of(Supplier<List<BaseModel>> folders, dev.whetstone.store.BaseModelStore stored,
                                  Map<String, String> aliases) {
        return new ModelCatalog(() -> {
            List<BaseModel> all = new java.util.ArrayList<>(folders.get());
            java.util.Set<String> ids = new java.util.HashSet<>();
            all.forEach(m -> ids.add(m.id()));
            for (BaseModel m : stored.list()) if (ids.add(m.id())) all.add(m);
            return all;
        }, aliases);
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
