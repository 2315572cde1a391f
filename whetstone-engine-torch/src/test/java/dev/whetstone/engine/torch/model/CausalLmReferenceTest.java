package dev.whetstone.engine.torch.model;

import dev.whetstone.engine.torch.demo.TinyModelFactory;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whetstone.engine.torch.PinnedThreads;
import dev.whetstone.testing.Tolerances;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The libtorch forward pass agrees with an independent double-precision Java forward pass. */
@ExtendWith(PinnedThreads.class)
class CausalLmReferenceTest {
    @TempDir Path dir;

    static Stream<Arguments> specs() {
        TinyModelFactory.Spec llama = new TinyModelFactory.Spec(TinyModelFactory.Arch.LLAMA, 61, 32, 2, 4, 2, 48,
                64, true, null, false);
        RopeScaling llama3 = new RopeScaling("llama3", 8.0, 1.0, 4.0, 64);
        TinyModelFactory.Spec llama3Untied = new TinyModelFactory.Spec(TinyModelFactory.Arch.LLAMA, 61, 32, 2, 4, 1,
                48, 64, false, llama3, true);
        TinyModelFactory.Spec qwen = new TinyModelFactory.Spec(TinyModelFactory.Arch.QWEN2, 61, 32, 2, 4, 2, 48, 64,
                true, null, false);
        TinyModelFactory.Spec gpt2 = new TinyModelFactory.Spec(TinyModelFactory.Arch.GPT2, 61, 32, 2, 4, 4, 64, 64,
                true, null, false);
        TinyModelFactory.Spec qwen3 = new TinyModelFactory.Spec(TinyModelFactory.Arch.QWEN3, 61, 32, 2, 4, 2, 48, 64,
                true, null, false);
        TinyModelFactory.Spec qwen3Untied = new TinyModelFactory.Spec(TinyModelFactory.Arch.QWEN3, 61, 32, 2, 4, 1,
                48, 64, false, null, true);
        TinyModelFactory.Spec mistral = new TinyModelFactory.Spec(TinyModelFactory.Arch.MISTRAL, 61, 32, 2, 4, 2, 48,
                64, false, null, false);
        TinyModelFactory.Spec gemma2 = new TinyModelFactory.Spec(TinyModelFactory.Arch.GEMMA2, 61, 32, 2, 4, 2, 48, 64,
                true, null, false);
        TinyModelFactory.Spec gemma3 = new TinyModelFactory.Spec(TinyModelFactory.Arch.GEMMA3, 61, 32, 2, 4, 1, 48, 64,
                true, new RopeScaling("linear", 2.0, 0, 0, 0), false);
        TinyModelFactory.Spec smollm3 = new TinyModelFactory.Spec(TinyModelFactory.Arch.SMOLLM3, 61, 32, 2, 4, 2, 48,
                64, true, null, false);
        return Stream.of(Arguments.of("llama tied, GQA 2", llama),
                Arguments.of("smollm3 (layer 1 without RoPE)", smollm3),
                Arguments.of("llama untied, MQA, llama3 rope, attention bias", llama3Untied),
                Arguments.of("qwen2 (qkv bias)", qwen), Arguments.of("gpt2", gpt2),
                Arguments.of("qwen3 (q/k norms, head_dim 16)", qwen3),
                Arguments.of("qwen3 untied, MQA, attention bias", qwen3Untied),
                Arguments.of("mistral, sliding window 4 of 11 tokens", mistral),
                Arguments.of("gemma2 (soft-caps, alternating window 4)", gemma2),
                Arguments.of("gemma3 (q/k norms, local rope, linear-scaled global rope, window 4)", gemma3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void fp32LogitsMatchTheReferenceUpToFp32Rounding(String label, TinyModelFactory.Spec spec) throws Exception {
        assertMatchesReference(spec, Precision.FP32);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void fp64LogitsMatchTheReferenceUpToFp64Rounding(String label, TinyModelFactory.Spec spec) throws Exception {
        assertMatchesReference(spec, Precision.FP64);
    }

    private void assertMatchesReference(TinyModelFactory.Spec spec, Precision precision) throws Exception {
        TinyModelFactory.write(dir, spec, 42);
        ReferenceLm ref = new ReferenceLm(new ObjectMapper().readTree(dir.resolve("config.json").toFile()),
                RawWeights.read(dir.resolve("model.safetensors")));
        int[] ids = new Random(7).ints(11, 0, spec.vocabSize()).toArray();
        double[][] expected = ref.logits(ids);
        try (CausalLm model = CausalLm.load(dir, new LoadOptions(precision, false));
             PointerScope scope = new PointerScope();
             NoGrad ng = NoGrad.enter()) {
            long[] l = new long[ids.length];
            for (int i = 0; i < ids.length; i++) l[i] = ids[i];
            Tensor logits = model.logits(model.hidden(Tensors.longs(l, 1, l.length), null, null));
            assertThat(logits.shape()).containsExactly(1, ids.length, spec.vocabSize());
            double[] got = Tensors.toDoubles(logits);
            double maxErr = 0;
            double maxAbs = 0;
            for (int t = 0; t < ids.length; t++) {
                for (int v = 0; v < spec.vocabSize(); v++) {
                    maxErr = Math.max(maxErr, Math.abs(got[t * spec.vocabSize() + v] - expected[t][v]));
                    maxAbs = Math.max(maxAbs, Math.abs(expected[t][v]));
                }
            }
            assertThat(maxAbs).as("logits are not trivially zero").isGreaterThan(1e-3);
            // every logit passes each layer's reductions; the reference's own fp64 rounding is negligible
            double tol = Tolerances.rounding(ModelTolerances.eps(precision), maxAbs, ModelTolerances.forwardOps(spec));
            assertThat(maxErr).as("max |logit − reference|").isLessThan(tol);
        }
    }
}
