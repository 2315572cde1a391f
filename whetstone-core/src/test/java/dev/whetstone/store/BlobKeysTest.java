package dev.whetstone.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlobKeysTest {
    @ParameterizedTest
    @ValueSource(strings = {"a", "files/file-abc123", "jobs/ftjob-1/results.csv", "x/y/z_1.jsonl", "..a", "a.."})
    void acceptsSafeRelativeNames(String key) {
        assertThat(BlobKeys.requireValid(key)).isEqualTo(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/abs", "a/", "a//b", ".", "..", "../x", "a/../b", "a/./b", "a\\b", "c:x", "a b",
                            "ü", "a\u0000b"})
    void rejectsUnsafeNames(String key) {
        assertThatIllegalArgumentException().isThrownBy(() -> BlobKeys.requireValid(key))
                .withMessageContaining("not a safe relative name");
    }

    @Test
    void rejectsNullAndOverlongKeys() {
        assertThatIllegalArgumentException().isThrownBy(() -> BlobKeys.requireValid(null));
        assertThatIllegalArgumentException().isThrownBy(() -> BlobKeys.requireValid("a".repeat(513)));
        assertThat(BlobKeys.requireValid("a".repeat(512))).hasSize(512);
    }
}
