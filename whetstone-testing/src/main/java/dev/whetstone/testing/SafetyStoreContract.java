package dev.whetstone.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.safety.HarmCategory;
import dev.whetstone.safety.RaiBlocklist;
import dev.whetstone.safety.RaiBlocklistItem;
import dev.whetstone.safety.RaiPolicy;
import dev.whetstone.safety.Severity;
import dev.whetstone.safety.Source;
import dev.whetstone.store.SafetyStore;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link SafetyStore} adapter must have. Subclass once per adapter. */
public abstract class SafetyStoreContract {
    protected SafetyStore store;

    protected abstract SafetyStore emptyStore() throws Exception;

    @BeforeEach
    final void setUpStore() throws Exception {
        store = emptyStore();
    }

    static RaiPolicy policy(String account, String name, String etag) {
        return new RaiPolicy(account, name, "Blocking", RaiPolicy.DEFAULT,
                List.of(new RaiPolicy.Filter(HarmCategory.SELF_HARM, Source.COMPLETION, Severity.LOW, true, true),
                        new RaiPolicy.Filter(HarmCategory.HATE, Source.PROMPT, Severity.HIGH, false, false)),
                List.of(new RaiPolicy.BlocklistRef("words", Source.PROMPT, true)),
                new RaiPolicy.Classifiers(false, "guard", "llama-guard-3"), 100, 100, etag);
    }

    @Test
    void policiesRoundTripWithEveryFieldAndReplaceOnPut() {
        RaiPolicy p = policy("a", "strict", "e1");
        store.putPolicy(p);
        assertThat(store.policy("a", "strict")).contains(p);
        assertThat(store.policy("b", "strict")).isEmpty();
        RaiPolicy changed = new RaiPolicy("a", "strict", "Default", null, List.of(), List.of(),
                RaiPolicy.Classifiers.DEFAULTS, 100, 200, "e2");
        store.putPolicy(changed);
        assertThat(store.policy("a", "strict")).contains(changed);
        store.putPolicy(policy("a", "lenient", "e3"));
        store.putPolicy(policy("b", "other", "e4"));
        assertThat(store.policies("a")).extracting(RaiPolicy::name).containsExactly("lenient", "strict");
        assertThat(store.deletePolicy("a", "strict")).isTrue();
        assertThat(store.deletePolicy("a", "strict")).isFalse();
        assertThat(store.policies("a")).extracting(RaiPolicy::name).containsExactly("lenient");
    }

    @Test
    void itemsBelongToAnExistingBlocklistAndChangeItsEtag() {
        RaiBlocklistItem item = new RaiBlocklistItem("a", "words", "i1", "forbidden", false, 10, 10, "ie1");
        assertThat(store.putItem(item, "x", 10)).isFalse();
        assertThat(store.item("a", "words", "i1")).isEmpty();

        store.putBlocklist(new RaiBlocklist("a", "words", "bad words", 5, 5, "b1"));
        assertThat(store.putItem(item, "b2", 11)).isTrue();
        assertThat(store.item("a", "words", "i1")).contains(item);
        assertThat(store.blocklist("a", "words")).get().extracting(RaiBlocklist::etag, RaiBlocklist::updatedAt)
                .containsExactly("b2", 11L);
        RaiBlocklistItem regex = new RaiBlocklistItem("a", "words", "i0", "b[a4]d", true, 12, 12, "ie2");
        store.putItem(regex, "b3", 12);
        assertThat(store.items("a", "words")).containsExactly(regex, item);
        assertThat(store.items("b", "words")).isEmpty();

        assertThat(store.deleteItem("a", "words", "i0", "b4", 13)).isTrue();
        assertThat(store.deleteItem("a", "words", "i0", "b5", 14)).isFalse();
        assertThat(store.blocklist("a", "words")).get().extracting(RaiBlocklist::etag).isEqualTo("b4");
    }

    @Test
    void deletingABlocklistDeletesItsItems() {
        store.putBlocklist(new RaiBlocklist("a", "words", null, 5, 5, "b1"));
        store.putBlocklist(new RaiBlocklist("a", "more", "d", 6, 6, "b2"));
        store.putItem(new RaiBlocklistItem("a", "words", "i1", "x", false, 7, 7, "e"), "b3", 7);
        store.putItem(new RaiBlocklistItem("a", "more", "i1", "y", false, 7, 7, "e"), "b4", 7);
        assertThat(store.blocklists("a")).extracting(RaiBlocklist::name).containsExactly("more", "words");
        assertThat(store.deleteBlocklist("a", "words")).isTrue();
        assertThat(store.items("a", "words")).isEmpty();
        assertThat(store.items("a", "more")).hasSize(1);
        assertThat(store.deleteBlocklist("a", "words")).isFalse();
        store.putBlocklist(new RaiBlocklist("a", "words", null, 8, 8, "b5"));
        assertThat(store.items("a", "words")).isEmpty();
    }
}
