package dev.whetstone.store;

import dev.whetstone.models.BaseModel;
import java.util.List;
import java.util.Optional;

/**
 * Base models registered in the object store ({@code whetstone models add --to-store}), so every machine sharing the
 * database sees the same catalog; models-directory folders are not recorded here. An existing id is an error on
 * insert.
 */
public interface BaseModelStore {
    /** A process without a database catalog (tests of one machine): nothing registered, nothing can be. */
    BaseModelStore NONE = new BaseModelStore() {
        @Override public void insert(BaseModel model) {
            throw new UnsupportedOperationException("this process has no catalog of stored base models");
        }
        @Override public Optional<BaseModel> find(String id) { return Optional.empty(); }
        @Override public List<BaseModel> list() { return List.of(); }
        @Override public boolean delete(String id) { return false; }
    };

    void insert(BaseModel model);

    Optional<BaseModel> find(String id);

    /** By id. */
    List<BaseModel> list();

    boolean delete(String id);
}
