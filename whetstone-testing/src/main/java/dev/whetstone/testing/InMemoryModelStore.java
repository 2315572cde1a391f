package dev.whetstone.testing;

import dev.whetstone.models.FineTunedModel;
import dev.whetstone.store.ModelStore;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link ModelStore} in a map. Checked by ModelStoreContract like the SQL store. */
public final class InMemoryModelStore implements ModelStore {
    private final Map<String, FineTunedModel> models = new LinkedHashMap<>();

    @Override
    public synchronized void insert(FineTunedModel model) {
        if (models.putIfAbsent(model.id(), model) != null) {
            throw new IllegalStateException("InMemoryModelStore: model '" + model.id() + "' already exists");
        }
    }

    @Override
    public synchronized Optional<FineTunedModel> find(String id) {
        return Optional.ofNullable(models.get(id));
    }

    @Override
    public synchronized List<FineTunedModel> list() {
        return models.values().stream()
                .sorted(Comparator.comparingLong(FineTunedModel::createdAt).thenComparing(FineTunedModel::id))
                .toList();
    }

    @Override
    public synchronized boolean delete(String id) {
        return models.remove(id) != null;
    }
}
