package dev.whetstone.store;

import dev.whetstone.models.FineTunedModel;
import java.util.List;
import java.util.Optional;

/** Fine-tuned models (base models live in the models folder, not here). An existing id is an error on insert. */
public interface ModelStore {
    void insert(FineTunedModel model);

    Optional<FineTunedModel> find(String id);

    /** Oldest first, by (created_at, id). */
    List<FineTunedModel> list();

    boolean delete(String id);
}
