package dev.whetstone.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whetstone.models.FineTunedModel;
import dev.whetstone.safety.HarmCategory;
import dev.whetstone.safety.SafetyCheck;
import dev.whetstone.store.ModelStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link ModelStore} adapter must have. Subclass once per adapter. */
public abstract class ModelStoreContract {
    protected ModelStore store;

    protected abstract ModelStore emptyStore() throws Exception;

    @BeforeEach
    final void setUpStore() throws Exception {
        store = emptyStore();
    }

    static FineTunedModel model(String id, long createdAt) {
        return new FineTunedModel(id, createdAt, "tiny-chat", "ftjob-" + id, "jobs/ftjob-" + id + "/final", "succeeded");
    }

    @Test
    void insertedModelsAreFoundWithEveryField() {
        FineTunedModel m = new FineTunedModel("tiny-chat.ft-0123456789abcdef0123456789abcdef-my_suffix-2",
                1_700_000_000L, "tiny-chat", "ftjob-0123456789abcdef0123456789abcdef",
                "jobs/ftjob-0123456789abcdef0123456789abcdef/final", "succeeded",
                new SafetyCheck(SafetyCheck.Status.FAILED, List.of(HarmCategory.VIOLENCE), "probes-v1",
                        Map.of(HarmCategory.VIOLENCE, 0.75, HarmCategory.SEXUAL, 0.05), 0.1, "20 probe answers classified"));
        store.insert(m);
        assertThat(store.find(m.id())).contains(m);
        assertThat(store.find(m.id()).orElseThrow().deployable()).isFalse();
        store.insert(model("unevaluated", 3));
        assertThat(store.find("unevaluated").orElseThrow().evaluation()).isNull();
        assertThat(store.find("tiny-chat")).isEmpty();
    }

    @Test
    void insertingAnExistingIdFails() {
        store.insert(model("a", 1));
        assertThatThrownBy(() -> store.insert(model("a", 2))).isInstanceOf(RuntimeException.class);
        assertThat(store.find("a")).get().extracting(FineTunedModel::createdAt).isEqualTo(1L);
    }

    @Test
    void listIsOldestFirstWithIdBreakingTies() {
        store.insert(model("c", 5));
        store.insert(model("b", 7));
        store.insert(model("a", 5));
        assertThat(store.list()).extracting(FineTunedModel::id).containsExactly("a", "c", "b");
    }

    @Test
    void deleteRemovesOnce() {
        store.insert(model("a", 1));
        assertThat(store.delete("a")).isTrue();
        assertThat(store.delete("a")).isFalse();
        assertThat(store.find("a")).isEmpty();
        assertThat(store.list()).isEmpty();
    }
}
