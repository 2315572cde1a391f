package dev.whetstone.models;

import dev.whetstone.artifacts.ArtifactStore;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A Hugging Face checkpoint folder a client can name: a folder in the models directory (named by its folder), or one
 * registered in the object store ({@code whetstone models add --to-store}, docs/models.md), which every machine of a
 * cluster sees and reads through its own cache.
 *
 * @param dir          the folder in the models directory; null for a model in the object store (use {@link #checkout})
 * @param architecture the config.json architecture, e.g. LlamaForCausalLM
 * @param chat         whether tokenizer_config.json has a chat template (chat/completions and chat training data)
 * @param vision       whether the checkpoint has a vision tower (config.json has a {@code vision_config}, as every
 *                     Hugging Face vision-language model's has): image parts in its training data and chat requests
 *                     are used, not refused
 * @param storeKey     the folder's key in the artifact store; null for a models-directory folder
 */
public record BaseModel(String id, Path dir, String architecture, boolean chat, long createdAt, boolean vision,
                        String storeKey) {
    public BaseModel {
        if ((dir == null) == (storeKey == null)) {
            throw new IllegalArgumentException("base model '" + id + "' needs either a folder or a store key");
        }
    }

    /** A folder in the models directory. */
    public BaseModel(String id, Path dir, String architecture, boolean chat, long createdAt, boolean vision) {
        this(id, dir, architecture, chat, createdAt, vision, null);
    }

    /** A text-only model. */
    public BaseModel(String id, Path dir, String architecture, boolean chat, long createdAt) {
        this(id, dir, architecture, chat, createdAt, false);
    }

    /** A model registered in the object store under {@code storeKey}. */
    public static BaseModel inStore(String id, String storeKey, String architecture, boolean chat, long createdAt,
                                    boolean vision) {
        return new BaseModel(id, null, architecture, chat, createdAt, vision, storeKey);
    }

    /**
     * The model's folder on this machine for as long as the checkout is open: the models-directory folder itself, or
     * the store's copy in this process's cache (downloaded on first use, pinned against eviction while open).
     */
    public ArtifactStore.Checkout checkout(ArtifactStore artifacts) throws IOException {
        if (storeKey != null) return artifacts.checkout(storeKey);
        Path folder = dir;
        return new ArtifactStore.Checkout() {
            @Override public Path dir() { return folder; }
            @Override public void close() { }
        };
    }
}
