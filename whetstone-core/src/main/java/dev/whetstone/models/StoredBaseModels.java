package dev.whetstone.models;

import dev.whetstone.artifacts.ArtifactStore;
import dev.whetstone.store.BaseModelStore;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Registers base models in the object store ({@code whetstone models add --to-store}, docs/models.md): the folder is
 * published under {@value #KEY_PREFIX}{@code <id>} first and recorded in the database after, so a listed model is
 * always readable, by every machine sharing the database and the store.
 */
public final class StoredBaseModels {
    public static final String KEY_PREFIX = "base-models/";

    private final BaseModelStore store;
    private final ArtifactStore artifacts;

    public StoredBaseModels(BaseModelStore store, ArtifactStore artifacts) {
        this.store = store;
        this.artifacts = artifacts;
    }

    /**
     * @param described the model as the models-directory scan describes {@code folder} (id, architecture, chat,
     *                  vision); its id names the stored model
     * @throws IllegalArgumentException when a stored model has that id already, or when the artifacts live in the
     *                                  data folder (one machine: nothing to share; a configuration to change)
     */
    public BaseModel add(BaseModel described, Path folder) throws IOException {
        if (artifacts.inPlace()) {
            throw new IllegalArgumentException("--to-store needs the object store (--artifacts blob-store); on one machine"
                    + " add the folder to the models directory instead");
        }
        if (store.find(described.id()).isPresent()) {
            throw new IllegalArgumentException("a model named '" + described.id() + "' is in the store already; pass"
                    + " another --name");
        }
        String key = KEY_PREFIX + described.id();
        artifacts.publish(key, folder);
        BaseModel stored = BaseModel.inStore(described.id(), key, described.architecture(), described.chat(),
                described.createdAt(), described.vision());
        store.insert(stored);
        return stored;
    }
}
