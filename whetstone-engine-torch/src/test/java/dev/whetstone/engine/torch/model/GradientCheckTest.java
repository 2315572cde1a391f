package dev.whetstone.engine.torch.model;

import dev.whetstone.engine.torch.demo.TinyModelFactory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.whetstone.engine.torch.PinnedThreads;
import dev.whetstone.testing.Tolerances;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Gradients from autograd plus the hand-written cross-entropy backward agree with central finite differences of
 * the loss, in fp64, on parameters spread over the model (embedding, attention, MLP, norms, biases, head).
 */
@ExtendWith(PinnedThreads.class)
class GradientCheckTest {
    private static final double EPS = 1e-6;
    /** Headroom for the central difference's truncation error (h² times the unknown third derivative). */
    static final double TRUNCATION = 1e-5;

    @TempDir Path dir;

    static Stream<Arguments> cases() {
        var llama = new TinyModelFactory.Spec(TinyModelFactory.Arch.LLAMA, 37, 16, 2, 4, 2, 24, 32, true, null, false);
        var untied = new TinyModelFactory.Spec(TinyModelFactory.Arch.LLAMA, 37, 16, 2, 4, 2, 24, 32, false,
                new RopeScaling("llama3", 8.0, 1.0, 4.0, 16), true);
        var qwen = new TinyModelFactory.Spec(TinyModelFactory.Arch.QWEN2, 37, 16, 2, 4, 2, 24, 32, true, null, false);
        var gpt2 = new TinyModelFactory.Spec(TinyModelFactory.Arch.GPT2, 37, 16, 2, 4, 4, 32, 32, true, null, false);
        return Stream.of(
                Arguments.of(llama, List.of("model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight",
                        "model.layers.1.self_attn.k_proj.weight", "model.layers.1.mlp.down_proj.weight",
                        "model.layers.0.input_layernorm.weight", "model.norm.weight")),
                Arguments.of(untied, List.of("lm_head.weight", "model.layers.0.self_attn.o_proj.bias",
                        "model.layers.1.self_attn.v_proj.weight", "model.layers.0.mlp.gate_proj.weight")),
                Arguments.of(qwen, List.of("model.layers.0.self_attn.q_proj.bias", "model.layers.1.mlp.up_proj.weight")),
                Arguments.of(gpt2, List.of("transformer.wte.weight", "transformer.wpe.weight",
                        "transformer.h.0.attn.c_attn.weight", "transformer.h.1.attn.c_attn.bias",
                        "transformer.h.0.mlp.c_fc.weight", "transformer.h.1.ln_2.bias", "transformer.ln_f.weight")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void analyticGradientsMatchFiniteDifferences(TinyModelFactory.Spec spec, List<String> names) throws Exception {
        TinyModelFactory.write(dir, spec, 3);
        long[] ids = new Random(5).longs(9, 0, spec.vocabSize()).toArray();
        try (CausalLm model = CausalLm.load(dir, new LoadOptions(Precision.FP64, true));
             PointerScope scope = new PointerScope()) {
            double loss;
            try (PointerScope step = new PointerScope()) {
                loss = backward(model, ids);
            }
            Random pick = new Random(11);
            for (String name : names) {
                Tensor p = model.parameters().get(name);
                Tensor flatGrad = p.grad().reshape(-1);
                for (int k = 0; k < 3; k++) {
                    long i = pick.nextInt((int) p.numel());
                    // Embedding rows of absent tokens have zero gradient: probe rows of tokens in the sequence.
                    if (name.endsWith("embed_tokens.weight") || name.endsWith("wte.weight")) {
                        i = ids[k] * p.size(1) + pick.nextInt((int) p.size(1));
                    }
                    double analytic = Tensors.item(flatGrad.narrow(0, i, 1));
                    double numeric = (lossWith(model, ids, p, i, EPS) - lossWith(model, ids, p, i, -EPS)) / (2 * EPS);
                    double tol = Tolerances.centralDifference(EPS, loss, ModelTolerances.forwardOps(spec), numeric,
                            TRUNCATION);
                    assertThat(analytic).as("%s[%d]", name, i).isCloseTo(numeric, within(tol));
                }
            }
        }
    }

    /** Mean next-token cross-entropy over the sequence; back-propagates it when gradients are on. */
    private static double backward(CausalLm model, long[] ids) {
        int t = ids.length;
        Tensor h = model.hidden(Tensors.longs(ids, 1, t), null, null).select(0, 0).narrow(0, 0, t - 1);
        Tensor targets = Tensors.longs(ids, t).narrow(0, 1, t - 1);
        Tensor head = model.headWeight();
        head.mutable_grad().put(torch.zeros_like(head));
        var r = TokenCrossEntropy.compute(h.detach(), head, targets, 1.0 / (t - 1), head.grad());
        h.mul(r.gradHidden()).sum().backward();
        return r.lossSum() / (t - 1);
    }

    private static double lossWith(CausalLm model, long[] ids, Tensor p, long index, double delta) {
        try (PointerScope scope = new PointerScope(); NoGrad ng = NoGrad.enter()) {
            Tensor cell = p.view(-1).narrow(0, index, 1);
            cell.add_(Tensors.scalar(delta));
            int t = ids.length;
            Tensor h = model.hidden(Tensors.longs(ids, 1, t), null, null).select(0, 0).narrow(0, 0, t - 1);
            Tensor targets = Tensors.longs(ids, t).narrow(0, 1, t - 1);
            double loss = TokenCrossEntropy.compute(h, model.headWeight(), targets, 0, null).lossSum() / (t - 1);
            cell.sub_(Tensors.scalar(delta));
            return loss;
        }
    }
}
