package dev.whetstone.testing;

import dev.whetstone.models.BaseModel;
import dev.whetstone.store.BaseModelStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** A {@link BaseModelStore} in memory, for tests. */
public final class InMemoryBaseModelStore implements BaseModelStore {
    private final Map<String, BaseModel> models = new ConcurrentSkipListMap<>();

    @Override
    public void insert(BaseModel model) {
        if (model.storeKey() == null) throw new IllegalArgumentException("only models in the object store are recorded");
        if (models.putIfAbsent(model.id(), model) != null) {
            throw new IllegalStateException("base model '" + model.id() + "' exists");
        }
    }

    @Override
    public Optional<BaseModel> find(String id) { return Optional.ofNullable(models.get(id)); }

    @Override
    public List<BaseModel> list() { return List.copyOf(models.values()); }

    @Override
    public boolean delete(String id) { return models.remove(id) != null; }
}
