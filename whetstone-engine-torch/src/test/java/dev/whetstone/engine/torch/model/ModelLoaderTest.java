package dev.whetstone.engine.torch.model;

import dev.whetstone.engine.torch.demo.TinyModelFactory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLoaderTest {
    @TempDir Path dir;

    @Test
    void bf16WeightsGiveLogitsCloseToFp32() throws Exception {
        TinyModelFactory.writeWeights(dir, TinyModelFactory.Arch.LLAMA, 50, 1);
        long[] ids = {1, 7, 3, 9, 4};
        try (PointerScope s = new PointerScope(); NoGrad ng = NoGrad.enter();
             CausalLm f32 = CausalLm.load(dir, new LoadOptions(Precision.FP32, false));
             CausalLm bf16 = CausalLm.load(dir, new LoadOptions(Precision.BF16, false))) {
            assertThat(bf16.parameters().values()).allSatisfy(t -> assertThat(Tensors.type(t))
                    .isEqualTo(torch.ScalarType.BFloat16));
            Tensor a = f32.logits(f32.hidden(Tensors.longs(ids, 1, 5), null, null));
            Tensor b = bf16.logits(bf16.hidden(Tensors.longs(ids, 1, 5), null, null));
            double scale = Tensors.item(a.abs().max());
            assertThat(Tensors.item(a.sub(b).abs().max())).isLessThan(0.05 * scale);
        }
    }

    @Test
    void trainableLoadMakesEveryWeightALeafThatRequiresGrad() throws Exception {
        TinyModelFactory.writeWeights(dir, TinyModelFactory.Arch.GPT2, 50, 1);
        try (CausalLm m = CausalLm.load(dir, LoadOptions.fullTraining())) {
            assertThat(m.parameters()).hasSize(2 + 2 * 12 + 2);
            assertThat(m.parameters().values()).allSatisfy(t -> {
                assertThat(t.requires_grad()).isTrue();
                assertThat(t.is_leaf()).isTrue();
            });
            assertThat(m.linears()).hasSize(2 * 4);
            assertThat(m.linears().get(0).name()).isEqualTo("transformer.h.0.attn.c_attn");
            assertThat(m.linears().get(0).weight().shape()).containsExactly(3 * 64, 64); // Conv1D transposed
        }
    }

    @Test
    void mismatchedWeightsAreReportedByName() throws Exception {
        TinyModelFactory.writeWeights(dir, TinyModelFactory.Arch.LLAMA, 50, 1);
        Map<String, Tensor> w = new LinkedHashMap<>();
        try (PointerScope s = new PointerScope(); SafetensorsReader r = SafetensorsReader.open(dir)) {
            for (String n : r.names()) w.put(n, r.read(n));
            w.put("model.layers.0.mlp.extra.weight", torch.zeros(2));
            SafetensorsWriter.write(dir.resolve("model.safetensors"), w, Map.of());
            assertThatThrownBy(() -> CausalLm.load(dir, LoadOptions.frozen()))
                    .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("mlp.extra.weight");
            w.remove("model.layers.0.mlp.extra.weight");
            w.put("model.norm.weight", torch.zeros(3));
            SafetensorsWriter.write(dir.resolve("model.safetensors"), w, Map.of());
            assertThatThrownBy(() -> CausalLm.load(dir, LoadOptions.frozen()))
                    .hasMessageContaining("'model.norm.weight' has shape [3] but config.json implies [64]");
            w.remove("model.norm.weight");
            SafetensorsWriter.write(dir.resolve("model.safetensors"), w, Map.of());
            assertThatThrownBy(() -> CausalLm.load(dir, LoadOptions.frozen()))
                    .hasMessageContaining("lacks tensor 'model.norm.weight'");
        }
    }

    @Test
    void familyTensorsAreCheckedByNameAndShape() throws Exception {
        TinyModelFactory.writeWeights(dir, TinyModelFactory.Arch.GEMMA3, 50, 1);
        Map<String, Tensor> w = new LinkedHashMap<>();
        try (PointerScope s = new PointerScope(); SafetensorsReader r = SafetensorsReader.open(dir)) {
            for (String n : r.names()) w.put(n, r.read(n));
            Tensor ff = w.remove("model.layers.1.pre_feedforward_layernorm.weight");
            SafetensorsWriter.write(dir.resolve("model.safetensors"), w, Map.of());
            assertThatThrownBy(() -> CausalLm.load(dir, LoadOptions.frozen()))
                    .isInstanceOf(UnsupportedModelException.class)
                    .hasMessageContaining("lacks tensor 'model.layers.1.pre_feedforward_layernorm.weight' that a"
                            + " GEMMA3 model");
            w.put("model.layers.1.pre_feedforward_layernorm.weight", ff);
            // q/k norms are per head: (head_dim), not (hidden)
            w.put("model.layers.0.self_attn.q_norm.weight", torch.zeros(64));
            SafetensorsWriter.write(dir.resolve("model.safetensors"), w, Map.of());
            assertThatThrownBy(() -> CausalLm.load(dir, LoadOptions.frozen()))
                    .hasMessageContaining("'model.layers.0.self_attn.q_norm.weight' has shape [64] but config.json"
                            + " implies [32]");
        }
    }

    @Test
    void aQwen3ConfigOverLlamaWeightsNamesTheMissingNorms() throws Exception {
        TinyModelFactory.writeWeights(dir, TinyModelFactory.Arch.LLAMA, 50, 1);
        Path config = dir.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("LlamaForCausalLM", "Qwen3ForCausalLM"));
        assertThatThrownBy(() -> CausalLm.load(dir, LoadOptions.frozen()))
                .hasMessageContaining("lacks tensor 'model.layers.0.self_attn.q_norm.weight' that a QWEN3 model");
    }

    @Test
    void tooLongSequencesAreRefusedWithTheLimit() throws Exception {
        TinyModelFactory.write(dir, new TinyModelFactory.Spec(TinyModelFactory.Arch.LLAMA, 20, 16, 1, 2, 2, 16, 8,
                true, null, false), 1);
        try (PointerScope s = new PointerScope(); CausalLm m = CausalLm.load(dir, LoadOptions.frozen())) {
            assertThatThrownBy(() -> m.hidden(torch.zeros(new long[] {1, 9}, Tensors.options(torch.ScalarType.Long)),
                    null, null)).hasMessageContaining("exceeds the model's context of 8");
        }
    }

    @Test
    void greedyDecodingStopsAtAStopTokenOrTheLimit() throws Exception {
        TinyModelFactory.writeWeights(dir, TinyModelFactory.Arch.LLAMA, 50, 1);
        try (CausalLm m = CausalLm.load(dir, LoadOptions.frozen())) {
            int[] out = GreedyDecoder.generate(m, new int[] {3, 4, 5}, 6, List.of());
            assertThat(out).hasSize(6);
            int[] stopped = GreedyDecoder.generate(m, new int[] {3, 4, 5}, 6, List.of(out[1]));
            assertThat(stopped).hasSizeLessThanOrEqualTo(2).endsWith(out[1]);
        }
        assertThat(Files.exists(dir.resolve("config.json"))).isTrue();
    }
}
