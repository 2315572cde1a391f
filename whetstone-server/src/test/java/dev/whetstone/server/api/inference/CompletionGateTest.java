package dev.whetstone.server.api.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.data.ChatMessage;
import dev.whetstone.deployments.AccountNames;
import dev.whetstone.deployments.LiveDeployment;
import dev.whetstone.engine.inference.Generation;
import dev.whetstone.engine.inference.GenerationListener;
import dev.whetstone.engine.inference.ModelInfo;
import dev.whetstone.engine.inference.Prompt;
import dev.whetstone.engine.inference.SamplingOptions;
import dev.whetstone.engine.inference.ServedModel;
import dev.whetstone.engine.inference.ServingSpec;
import dev.whetstone.safety.ContentFilter;
import dev.whetstone.safety.GuardFormat;
import dev.whetstone.safety.SafetyService;
import dev.whetstone.safety.SafetySettings;
import dev.whetstone.safety.Source;
import dev.whetstone.testing.FakeInferenceEngine;
import dev.whetstone.testing.InMemorySafetyStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A guard model on completions (docs/safety.md, "Streaming"): the growing completion is judged every 16 pieces
 * and at its end, not on every piece, and nothing is released before a check has judged it.
 */
class CompletionGateTest {
    final FakeInferenceEngine engine = new FakeInferenceEngine();
    final AtomicInteger guardCalls = new AtomicInteger();

    ContentFilter guardFilter() {
        ServedModel fake = engine.load(new ServingSpec("guard", Path.of("tiny-chat"), null));
        ServedModel counting = new ServedModel() {
            @Override public ModelInfo info() { return fake.info(); }
            @Override public Prompt chatPrompt(List<ChatMessage> messages) { return fake.chatPrompt(messages); }
            @Override public Prompt textPrompt(String text) { return fake.textPrompt(text); }
            @Override public Generation generate(Prompt prompt, SamplingOptions options, GenerationListener listener) {
                guardCalls.incrementAndGet();
                return fake.generate(prompt, options, listener);
            }
        };
        SafetyService safety = new SafetyService(new InMemorySafetyStore(), new AccountNames(Set.of()),
                (a, p) -> Optional.empty(), SafetySettings.defaults().withLexicon(false).withGuard("guard"),
                name -> new LiveDeployment("guard", "tiny-chat", counting, null, null, null), Clock.systemUTC());
        return safety.filterFor(null, null);
    }

    static String pieces(int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < to; i++) b.append(" w").append(i);
        return b.toString();
    }

    @Test
    void aGuardJudgesEverySixteenPiecesAndAtTheEndAndNothingIsShownUnjudged() {
        ContentFilter filter = guardFilter();
        assertThat(filter.checkEvery(Source.COMPLETION)).isEqualTo(16);
        assertThat(filter.checkEvery(Source.PROMPT)).isEqualTo(1);
        engine.reply(GuardFormat.llamaGuardPrompt(pieces(0, 16), Source.COMPLETION), "safe");
        engine.reply(GuardFormat.llamaGuardPrompt(pieces(0, 20), Source.COMPLETION), "safe");
        CompletionGate gate = new CompletionGate(filter);
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < 15; i++) assertThat(gate.offer(" w" + i)).as("piece %d waits", i).isEmpty();
        assertThat(guardCalls).hasValue(0);
        shown.append(gate.offer(" w15")); // the 16th piece: one check of all 16; released up to its word boundary
        assertThat(guardCalls).hasValue(1);
        assertThat(shown.toString()).isEqualTo(pieces(0, 15));
        for (int i = 16; i < 20; i++) shown.append(gate.offer(" w" + i));
        assertThat(guardCalls).hasValue(1);
        shown.append(gate.finish());
        assertThat(guardCalls).hasValue(2);
        assertThat(shown.toString()).isEqualTo(pieces(0, 20));
        assertThat(gate.blocked()).isFalse();
    }

    @Test
    void whatTheGuardFlagsAtACheckWasNeverShown() {
        ContentFilter filter = guardFilter();
        engine.reply(GuardFormat.llamaGuardPrompt(pieces(0, 16), Source.COMPLETION), "unsafe\nS1");
        CompletionGate gate = new CompletionGate(filter);
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < 16; i++) shown.append(gate.offer(" w" + i));
        assertThat(gate.blocked()).isTrue();
        assertThat(shown).isEmpty();
        assertThat(gate.finish()).isEmpty();
    }
}
