package dev.whetstone.engine.torch.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whetstone.engine.torch.PinnedThreads;
import dev.whetstone.engine.torch.model.Architecture;
import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.HfCheckpoint;
import dev.whetstone.engine.torch.model.LoadOptions;
import dev.whetstone.engine.torch.model.ModelTolerances;
import dev.whetstone.engine.torch.model.NoGrad;
import dev.whetstone.engine.torch.model.Precision;
import dev.whetstone.engine.torch.model.SafetensorsReader;
import dev.whetstone.engine.torch.model.Tensors;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import dev.whetstone.testing.Tolerances;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@ExtendWith(PinnedThreads.class)
class LoraModelTest {
    private static final long FORWARD_OPS =
            ModelTolerances.forwardOps(TinyModelFactory.Spec.tiny(TinyModelFactory.Arch.LLAMA, 40));
    /** Headroom for the central difference's truncation error (h² times the unknown third derivative). */
    private static final double TRUNCATION = 1e-5;
    private static final long[] IDS = {3, 17, 5, 9, 30, 2, 11};
    private static final LoadOptions FP64 = new LoadOptions(Precision.FP64, false);

    @TempDir Path dir;

    private Path base(TinyModelFactory.Arch arch) throws Exception {
        Path base = dir.resolve("base-model");
        TinyModelFactory.writeWeights(base, arch, 40, 9);
        Files.writeString(base.resolve("tokenizer.json"), "{}");
        return base;
    }

    private static Tensor logits(CausalLm m) {
        return m.logits(m.hidden(Tensors.longs(IDS, 1, IDS.length), null, null));
    }

    /** Gives every B a random value so adapters change the output. */
    private static void randomizeB(LoraModel lora, long seed) {
        torch.manual_seed(seed);
        try (NoGrad ng = NoGrad.enter()) {
            lora.trainableParameters().forEach((n, t) -> {
                if (n.contains("lora_B")) t.copy_(torch.randn(t.size(0), t.size(1)).to(Tensors.type(t)).mul(Tensors.scalar(0.05)));
            });
        }
    }

    private static double maxDiff(Tensor a, Tensor b) { return Tensors.item(a.sub(b).abs().max()); }

    @ParameterizedTest
    @EnumSource(TinyModelFactory.Arch.class)
    void freshAdaptersChangeNothingAndSaveLoadInThePeftLayout(TinyModelFactory.Arch arch) throws Exception {
        Path base = base(arch);
        try (PointerScope s = new PointerScope(); NoGrad ng = NoGrad.enter();
             CausalLm m = CausalLm.load(base, FP64)) {
            Tensor before = logits(m);
            Architecture a = m.config().architecture();
            LoraModel lora = LoraModel.attach(m, LoraConfig.defaults(a, true), 1);
            assertThat(maxDiff(before, logits(m))).isZero();
            assertThat(lora.trainableParameters()).hasSize(2 * m.linears().size());
            String first = switch (a) {
                case GPT2 -> "base_model.model.transformer.h.0.attn.c_attn.lora_A.weight";
                // Phi-3's fused projections are adapted whole, under PEFT's own module names
                case PHI3 -> "base_model.model.model.layers.0.self_attn.qkv_proj.lora_A.weight";
                default -> "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight";
            };
            assertThat(lora.trainableParameters()).containsKey(first);
            randomizeB(lora, 2);
            Tensor adapted = logits(m);
            assertThat(maxDiff(before, adapted)).isGreaterThan(1e-4);
            lora.save(dir.resolve("adapter"));
            lora.close();
            assertThat(maxDiff(before, logits(m))).as("close detaches").isZero();

            JsonNode cfg = new ObjectMapper().readTree(dir.resolve("adapter/adapter_config.json").toFile());
            assertThat(cfg.get("peft_type").asText()).isEqualTo("LORA");
            assertThat(cfg.get("r").asInt()).isEqualTo(16);
            assertThat(cfg.get("lora_alpha").asDouble()).isEqualTo(32.0);
            assertThat(cfg.get("fan_in_fan_out").asBoolean()).isEqualTo(a == Architecture.GPT2);
            assertThat(cfg.get("base_model_name_or_path").asText()).isEqualTo("base-model");
            try (SafetensorsReader r = SafetensorsReader.open(dir.resolve("adapter/adapter_model.safetensors"))) {
                assertThat(r.names()).contains(first);
            }
            try (LoraModel loaded = LoraModel.load(m, dir.resolve("adapter"))) {
                // saved as fp32: the adapter's contribution to the logits is rounded once, relative to its own size
                double tol = Tolerances.fp32(maxDiff(before, adapted), FORWARD_OPS);
                assertThat(maxDiff(adapted, logits(m))).isLessThan(tol);
            }
        }
    }

    @Test
    void mergingIntoTheBaseKeepsTheOutput() throws Exception {
        Path base = base(TinyModelFactory.Arch.LLAMA);
        try (PointerScope s = new PointerScope(); NoGrad ng = NoGrad.enter();
             CausalLm m = CausalLm.load(base, FP64)) {
            LoraModel lora = LoraModel.attach(m, LoraConfig.defaults(Architecture.LLAMA, true), 1);
            randomizeB(lora, 3);
            Tensor adapted = logits(m);
            lora.mergeIntoBase();
            double tol = Tolerances.fp64(Tensors.item(adapted.abs().max()), FORWARD_OPS);
            assertThat(maxDiff(adapted, logits(m))).isLessThan(tol);
        }
    }

    @ParameterizedTest
    @EnumSource(value = TinyModelFactory.Arch.class, names = {"LLAMA", "GPT2"})
    void aSecondAdapterStackedOnTheFirstEqualsBothOnTheOriginalBase(TinyModelFactory.Arch arch) throws Exception {
        Path base = base(arch);
        double[] expected;
        double[] baseOnly;
        try (PointerScope s = new PointerScope(); NoGrad ng = NoGrad.enter();
             CausalLm m = CausalLm.load(base, FP64)) {
            baseOnly = Tensors.toDoubles(logits(m));
            Architecture a = m.config().architecture();
            LoraModel first = LoraModel.attach(m, LoraConfig.defaults(a, false), 1);
            randomizeB(first, 4);
            first.save(dir.resolve("first"));
            first.mergeIntoBase();
            // the second adapter has another rank and more targets than the first
            LoraModel second = LoraModel.attach(m, new LoraConfig(4, 8, 0, LoraConfig.targets(a, true), false), 2);
            randomizeB(second, 5);
            expected = Tensors.toDoubles(logits(m));
            second.saveStackedOn(dir.resolve("first"), dir.resolve("stacked"));
            second.close();
        }
        try (PointerScope s = new PointerScope(); NoGrad ng = NoGrad.enter();
             CausalLm original = CausalLm.load(base, FP64);
             LoraModel stacked = LoraModel.load(original, dir.resolve("stacked"))) {
            assertThat(stacked.config().rank()).isEqualTo(20);
            assertThat(stacked.config().scaling()).isEqualTo(1.0);
            assertThat(stacked.trainableParameters()).hasSize(2 * original.linears().size());
            double[] got = Tensors.toDoubles(logits(original));
            double err = 0;
            double moved = 0;
            for (int i = 0; i < got.length; i++) {
                err = Math.max(err, Math.abs(got[i] - expected[i]));
                moved = Math.max(moved, Math.abs(baseOnly[i] - expected[i]));
            }
            assertThat(moved).as("the adapters change the output").isGreaterThan(1e-3);
            // the stacked adapter is saved as fp32: its contribution (moved) is rounded once
            assertThat(err).as("stacked adapter on the original base").isLessThan(Tolerances.fp32(moved, FORWARD_OPS));
        }
    }

    @Test
    void fullCheckpointsRoundTripWithTokenizerFilesAndConv1dLayout() throws Exception {
        Path base = base(TinyModelFactory.Arch.GPT2);
        Path out = dir.resolve("full");
        try (PointerScope s = new PointerScope(); NoGrad ng = NoGrad.enter();
             CausalLm m = CausalLm.load(base, new LoadOptions(Precision.FP32, true))) {
            m.parameters().get("transformer.h.0.attn.c_attn.weight").add_(Tensors.scalar(0.01));
            Tensor expected = logits(m);
            HfCheckpoint.save(m, out);
            assertThat(out.resolve("tokenizer.json")).exists();
            assertThat(out.resolve("config.json")).exists();
            try (SafetensorsReader r = SafetensorsReader.open(out)) {
                assertThat(r.shape("transformer.h.0.attn.c_attn.weight")).containsExactly(64, 192);
            }
            try (CausalLm reloaded = CausalLm.load(out, new LoadOptions(Precision.FP32, false))) {
                assertThat(maxDiff(expected, logits(reloaded))).isZero();
            }
        }
    }

    @Test
    void adapterGradientsMatchFiniteDifferences() throws Exception {
        Path base = base(TinyModelFactory.Arch.LLAMA);
        try (PointerScope s = new PointerScope(); CausalLm m = CausalLm.load(base, FP64);
             LoraModel lora = LoraModel.attach(m, new LoraConfig(4, 8, 0, LoraConfig.targets(Architecture.LLAMA, true),
                     false), 1)) {
            randomizeB(lora, 6);
            double loss;
            try (PointerScope step = new PointerScope()) {
                Tensor h = m.hidden(Tensors.longs(IDS, 1, IDS.length), null, null).select(0, 0)
                        .narrow(0, 0, IDS.length - 1);
                var r = dev.whetstone.engine.torch.model.TokenCrossEntropy.compute(h.detach(), m.headWeight(), targets(),
                        1.0, null);
                h.mul(r.gradHidden()).sum().backward();
                loss = r.lossSum();
            }
            java.util.Random pick = new java.util.Random(2);
            int checked = 0;
            for (var e : lora.trainableParameters().entrySet()) {
                if (!e.getKey().contains("layers.1.self_attn.v_proj") && !e.getKey().contains("layers.0.mlp.down_proj")) {
                    continue;
                }
                Tensor p = e.getValue();
                long i = pick.nextInt((int) p.numel());
                double analytic = Tensors.item(p.grad().reshape(-1).narrow(0, i, 1));
                double numeric = (lossWith(m, p, i, 1e-6) - lossWith(m, p, i, -1e-6)) / 2e-6;
                double tol = Tolerances.centralDifference(1e-6, loss, FORWARD_OPS, numeric, TRUNCATION);
                assertThat(analytic).as(e.getKey()).isCloseTo(numeric, within(tol));
                assertThat(Math.abs(numeric)).as("%s probes a live gradient", e.getKey()).isGreaterThan(1e-9);
                checked++;
            }
            assertThat(checked).isEqualTo(4);
        }
    }

    /**
     * Training's stacked q/k/v and gate/up products with their adapters stacked (one product for the A's, one for
     * the block-diagonal B's) give the separate projections' loss and adapter gradients: with every projection
     * adapted, and with some not (zero blocks), with dropout (each adapter's own mask, drawn in the same order).
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"all", "some"})
    void stackedProjectionsTrainLikeTheSeparateOnes(String which) throws Exception {
        Path base = base(TinyModelFactory.Arch.LLAMA);
        List<String> targets = which.equals("all") ? LoraConfig.targets(Architecture.LLAMA, true)
                : List.of("q_proj", "v_proj", "up_proj", "down_proj");
        try (PointerScope s = new PointerScope(); CausalLm m = CausalLm.load(base, FP64);
             LoraModel lora = LoraModel.attach(m, new LoraConfig(4, 8, 0.2, targets, false), 1)) {
            randomizeB(lora, 6);
            lora.setTraining(true);
            java.util.Map<String, double[]> separate = new java.util.LinkedHashMap<>();
            double lossSeparate = lossAndGrads(m, lora, separate);
            m.fuseProjections();
            java.util.Map<String, double[]> stacked = new java.util.LinkedHashMap<>();
            double lossStacked = lossAndGrads(m, lora, stacked);
            double tol = Tolerances.fp64(Math.abs(lossSeparate), FORWARD_OPS);
            assertThat(lossStacked).isCloseTo(lossSeparate, within(tol));
            assertThat(stacked.keySet()).isEqualTo(separate.keySet());
            int live = 0;
            for (var e : separate.entrySet()) {
                double[] a = e.getValue();
                double[] b = stacked.get(e.getKey());
                double mag = 0;
                for (double v : a) mag = Math.max(mag, Math.abs(v));
                double gradTol = Tolerances.fp64(Math.max(mag, 1e-12), 3 * FORWARD_OPS);
                for (int i = 0; i < a.length; i++) assertThat(b[i]).as(e.getKey()).isCloseTo(a[i], within(gradTol));
                if (mag > 1e-9) live++;
            }
            assertThat(live).as("adapters with a live gradient").isEqualTo(separate.size());
        }
    }

    /** Loss of one dropout-seeded pass over IDS, and every adapter tensor's gradient (then cleared). */
    private static double lossAndGrads(CausalLm m, LoraModel lora, java.util.Map<String, double[]> grads) {
        try (PointerScope step = new PointerScope()) {
            torch.manual_seed(11);
            Tensor h = m.hidden(Tensors.longs(IDS, 1, IDS.length), null, null).select(0, 0)
                    .narrow(0, 0, IDS.length - 1);
            var r = dev.whetstone.engine.torch.model.TokenCrossEntropy.compute(h.detach(), m.headWeight(),
                    targets(), 1.0, null);
            h.mul(r.gradHidden()).sum().backward();
            lora.trainableParameters().forEach((n, p) -> {
                grads.put(n, Tensors.toDoubles(p.grad()));
                p.grad().zero_();
            });
            return r.lossSum();
        }
    }

    private static Tensor targets() { return Tensors.longs(IDS, IDS.length).narrow(0, 1, IDS.length - 1); }

    private static double lossWith(CausalLm m, Tensor p, long i, double delta) {
        try (PointerScope s = new PointerScope(); NoGrad ng = NoGrad.enter()) {
            Tensor cell = p.view(-1).narrow(0, i, 1);
            cell.add_(Tensors.scalar(delta));
            Tensor h = m.hidden(Tensors.longs(IDS, 1, IDS.length), null, null).select(0, 0).narrow(0, 0, IDS.length - 1);
            double loss = dev.whetstone.engine.torch.model.TokenCrossEntropy.compute(h, m.headWeight(), targets(), 0, null)
                    .lossSum();
            cell.sub_(Tensors.scalar(delta));
            return loss;
        }
    }

    @Test
    void targetsThatMatchNothingAreRefused() throws Exception {
        Path base = base(TinyModelFactory.Arch.LLAMA);
        try (CausalLm m = CausalLm.load(base, FP64)) {
            assertThatThrownBy(() -> LoraModel.attach(m, new LoraConfig(4, 8, 0, List.of("c_attn"), false), 1))
                    .hasMessageContaining("match no linear layer").hasMessageContaining("q_proj");
        }
    }
}
