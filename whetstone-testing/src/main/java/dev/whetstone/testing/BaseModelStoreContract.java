package dev.whetstone.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whetstone.models.BaseModel;
import dev.whetstone.store.BaseModelStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What every {@link BaseModelStore} must do: keep stored models whole, by id, one per id. Subclass per adapter. */
public abstract class BaseModelStoreContract {
    /** An empty store for one test. */
    protected abstract BaseModelStore emptyStore() throws Exception;

    @Test
    void storedModelsComeBackWholeByIdAndGoWhenDeleted() throws Exception {
        BaseModelStore store = emptyStore();
        BaseModel vision = BaseModel.inStore("smolvlm", "base-models/smolvlm", "Idefics3ForConditionalGeneration",
                true, 1_700_000_000L, true);
        BaseModel text = BaseModel.inStore("llama-1b", "base-models/llama-1b", "LlamaForCausalLM", false, 5L, false);
        store.insert(vision);
        store.insert(text);
        assertThat(store.find("smolvlm")).contains(vision);
        assertThat(store.list()).containsExactly(text, vision);
        assertThatThrownBy(() -> store.insert(text)).isInstanceOf(RuntimeException.class);
        assertThat(store.delete("llama-1b")).isTrue();
        assertThat(store.delete("llama-1b")).isFalse();
        assertThat(store.list()).containsExactly(vision);
        assertThat(store.find("llama-1b")).isEmpty();
    }

    @Test
    void aModelsDirectoryFolderIsNotRecorded() throws Exception {
        BaseModelStore store = emptyStore();
        assertThatThrownBy(() -> store.insert(new BaseModel("local", Path.of("models/local"), "LlamaForCausalLM",
                true, 1L))).isInstanceOf(IllegalArgumentException.class);
    }
}
