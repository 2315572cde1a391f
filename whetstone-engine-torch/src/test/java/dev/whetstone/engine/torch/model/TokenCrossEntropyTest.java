package dev.whetstone.engine.torch.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.whetstone.engine.torch.PinnedThreads;
import dev.whetstone.testing.Tolerances;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The chunked, hand-differentiated cross-entropy equals log-softmax cross-entropy and its autograd gradients. */
@ExtendWith(PinnedThreads.class)
class TokenCrossEntropyTest {
    @Test
    void lossAccuracyAndGradientsMatchAutogradOfLogSoftmax() {
        try (PointerScope s = new PointerScope()) {
            torch.manual_seed(3);
            long m = 70;
            long v = 1000;
            long d = 8;
            Tensor h = torch.randn(m, d).to(torch.ScalarType.Double).set_requires_grad(true);
            Tensor w = torch.randn(v, d).to(torch.ScalarType.Double).mul(Tensors.scalar(0.5)).set_requires_grad(true);
            Tensor targets = torch.randint(v, new long[] {m});
            // make some predictions correct so accuracy is non-trivial
            Tensor logits0 = torch.linear(h.detach(), w.detach());
            targets.narrow(0, 0, 10).copy_(logits0.narrow(0, 0, 10).argmax(new org.bytedeco.pytorch.LongOptional(1), false));

            // 16-row chunks: the last one partial
            Tensor headGrad = torch.zeros_like(w);
            var r = TokenCrossEntropy.compute(h.detach(), w.detach(), targets, 1.0 / m, headGrad, 16);

            Tensor logp = torch.log_softmax(torch.linear(h, w), 1);
            Tensor nll = logp.gather(1, targets.unsqueeze(1)).neg().sum();
            nll.div(Tensors.scalar(m)).backward();
            // fp64: the loss sums m log-softmaxes over v logits each; a chunked pass only reorders those sums
            assertThat(r.lossSum()).isCloseTo(Tensors.item(nll), within(Tolerances.fp64(Tensors.item(nll), m * v)));
            long correct = logp.argmax(new org.bytedeco.pytorch.LongOptional(1), false).eq(targets).sum().item_long();
            assertThat(r.correct()).isEqualTo(correct).isGreaterThanOrEqualTo(10);
            assertThat(r.count()).isEqualTo(m);
            // each gradient element sums v (hidden) or m (head) terms of softmax − one-hot times the other factor
            double hiddenTol = Tolerances.fp64(Tensors.item(h.grad().abs().max()), v);
            double headTol = Tolerances.fp64(Tensors.item(w.grad().abs().max()), m);
            assertThat(Tensors.item(r.gradHidden().sub(h.grad()).abs().max())).isLessThan(hiddenTol);
            assertThat(Tensors.item(headGrad.sub(w.grad()).abs().max())).isLessThan(headTol);
        }
    }

    /**
     * The workspace changes where the chunks' buffers live, not what is computed: bf16 results with it open are
     * identical to those after it is closed, across calls that reuse its buffers (fewer rows) and that outgrow
     * them (more rows, another vocabulary).
     */
    @Test
    void theWorkspaceGivesIdenticalResults() {
        try (PointerScope s = new PointerScope()) {
            torch.manual_seed(5);
            long[][] shapes = {{50, 700}, {20, 700}, {90, 900}};
            Tensor[][] inputs = new Tensor[shapes.length][];
            for (int i = 0; i < shapes.length; i++) {
                inputs[i] = new Tensor[] {torch.randn(shapes[i][0], 16).to(torch.ScalarType.BFloat16),
                        torch.randn(shapes[i][1], 16).to(torch.ScalarType.BFloat16),
                        torch.randint(shapes[i][1], new long[] {shapes[i][0]})};
            }
            TokenCrossEntropy.Result[] with = new TokenCrossEntropy.Result[shapes.length];
            Tensor[] headGradWith = new Tensor[shapes.length];
            try (TokenCrossEntropy.Workspace ws = TokenCrossEntropy.openWorkspace()) {
                for (int i = 0; i < shapes.length; i++) {
                    headGradWith[i] = torch.zeros(shapes[i][1], 16);
                    with[i] = TokenCrossEntropy.compute(inputs[i][0], inputs[i][1], inputs[i][2], 1.0 / shapes[i][0],
                            headGradWith[i], 16);
                }
            }
            for (int i = 0; i < shapes.length; i++) {
                Tensor headGrad = torch.zeros(shapes[i][1], 16);
                var without = TokenCrossEntropy.compute(inputs[i][0], inputs[i][1], inputs[i][2], 1.0 / shapes[i][0],
                        headGrad, 16);
                assertThat(with[i].lossSum()).isEqualTo(without.lossSum());
                assertThat(with[i].correct()).isEqualTo(without.correct());
                assertThat(Tensors.item(with[i].gradHidden().sub(without.gradHidden()).abs().max())).isZero();
                assertThat(Tensors.item(headGradWith[i].sub(headGrad).abs().max())).isZero();
                assertThat(Tensors.item(headGradWith[i].abs().max())).isGreaterThan(0);
            }
        }
    }

    @Test
    void bf16InputsGiveTheFp32ResultUpToBf16Rounding() {
        try (PointerScope s = new PointerScope()) {
            torch.manual_seed(4);
            Tensor h = torch.randn(50, 16).to(torch.ScalarType.BFloat16);
            Tensor w = torch.randn(700, 16).to(torch.ScalarType.BFloat16);
            Tensor targets = torch.randint(700, new long[] {50});
            var bf = TokenCrossEntropy.compute(h, w, targets, 1.0 / 50, null, 16);
            var f32 = TokenCrossEntropy.compute(h.to(torch.ScalarType.Float), w.to(torch.ScalarType.Float), targets,
                    1.0 / 50, null, 16);
            assertThat(Tensors.type(bf.gradHidden())).isEqualTo(torch.ScalarType.BFloat16);
            // same bf16 inputs; bf16 logits carry a rounding of eps·|logit| into each of the 50 token losses
            double tokenLoss = f32.lossSum() / 50;
            assertThat(bf.lossSum()).isCloseTo(f32.lossSum(), within(Tolerances.bf16(tokenLoss, 50)));
            Tensor a = bf.gradHidden().to(torch.ScalarType.Float).reshape(-1);
            Tensor b = f32.gradHidden().reshape(-1);
            double cosine = Tensors.item(a.dot(b)) / Math.sqrt(Tensors.item(a.dot(a)) * Tensors.item(b.dot(b)));
            assertThat(cosine).isGreaterThan(0.999);
        }
    }

    @Test
    void evaluationReturnsNoGradients() {
        try (PointerScope s = new PointerScope()) {
            var r = TokenCrossEntropy.compute(torch.randn(4, 3), torch.randn(10, 3), torch.randint(10, new long[] {4}), 0, null);
            assertThat(r.gradHidden()).isNull();
            assertThat(r.lossSum()).isPositive();
        }
    }

    /** A prediction counts as correct as argmax defines it: of tied maximal logits, the first index wins. */
    @Test
    void aTargetTiedWithAnEarlierMaximumIsNotCorrect() {
        try (PointerScope s = new PointerScope()) {
            // head rows 2 and 6 are equal, so both logits tie at the maximum for a hidden state along them
            float[] head = new float[8 * 2];
            head[2 * 2] = 3;
            head[6 * 2] = 3;
            head[1 * 2 + 1] = 1;
            Tensor h = Tensors.floats(new float[] {1, 0, 1, 0, 1, 0, 0, 1}, 4, 2);
            Tensor targets = Tensors.longs(new long[] {2, 6, 5, 1}, 4);
            // row 0: target 2, the first of the tie (correct); row 1: target 6, the later one (argmax says 2);
            // row 2: target 5, not maximal; row 3: target 1, the unique maximum (correct)
            var r = TokenCrossEntropy.compute(h, Tensors.floats(head, 8, 2), targets, 0, null);
            assertThat(r.correct()).isEqualTo(2);
        }
    }
}
