package dev.whetstone.server;

import dev.whetstone.models.BaseModel;
import java.nio.file.Path;

/** The command line's way to register a base model in the object store ({@code whetstone models add --to-store}). */
public final class StoredModels {
    private StoredModels() {}

    /**
     * Publishes the model folder {@code folder} under the id {@code id} and records it in {@code config}'s database.
     *
     * @throws IllegalArgumentException when {@code folder} is not a model folder, the id is taken, or {@code config}
     *                                  keeps artifacts in the data folder
     */
    public static BaseModel add(ServerConfig config, String id, Path folder) throws Exception {
        BaseModel described = ModelDirectoryScanner.read(folder).orElseThrow(() -> new IllegalArgumentException(
                folder + " is not a Hugging Face model folder the service can list"));
        return Wiring.addToStore(config, new BaseModel(id, folder, described.architecture(), described.chat(),
                described.createdAt(), described.vision()), folder);
    }
}
