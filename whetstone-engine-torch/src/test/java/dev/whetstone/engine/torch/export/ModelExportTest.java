package dev.whetstone.engine.torch.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.LogFormat;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.engine.TrainingListener;
import dev.whetstone.engine.TrainingOutcome;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.engine.StepMetrics;
import dev.whetstone.engine.CheckpointInfo;
import dev.whetstone.engine.TrainingPlan;
import dev.whetstone.engine.torch.TorchEngine;
import dev.whetstone.engine.torch.demo.TinyModelFactory;
import dev.whetstone.engine.torch.demo.TinyModels;
import dev.whetstone.engine.torch.demo.TinyTokenizerFactory;
import dev.whetstone.engine.torch.lora.LoraModel;
import dev.whetstone.engine.torch.lora.PeftFiles;
import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.LoadOptions;
import dev.whetstone.engine.torch.model.NoGrad;
import dev.whetstone.engine.torch.model.Precision;
import dev.whetstone.engine.torch.model.RopeScaling;
import dev.whetstone.engine.torch.model.SafetensorsReader;
import dev.whetstone.engine.torch.model.Tensors;
import dev.whetstone.engine.torch.tokenizer.HfTokenizer;
import dev.whetstone.testing.Tolerances;
import dev.whetstone.testing.XboxSupportData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exports of a LoRA fine-tune of the demo model tiny-chat (Llama), checked against the readers that matter: llama.cpp
 * itself (through its Java binding) for GGUF, our own loader for the merged Hugging Face folder, PEFT's file and
 * tensor names for the adapter.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelExportTest {
    private static final int MAX_NEW_TOKENS = 16;

    @TempDir static Path dir;
    private Path base;
    private Path adapter;

    /**
     * One short LoRA job (40 steps at 1e-3, the default adapter) on the how-to-style data, so the fine-tune answers
     * its questions with confidence.
     */
    @BeforeAll
    void fineTune() throws Exception {
        base = dir.resolve("tiny-chat");
        TinyModels.create(base, TinyModels.Kind.CHAT);
        TrainingSpec spec = new TrainingSpec(base, null, XboxSupportData.chatExamples(10), List.of(),
                new TrainingSpec.Hyperparameters(4, 1, 1.0), TrainingSpec.Method.LORA, 105, dir.resolve("work"));
        TrainingOutcome outcome = TorchEngine.trainer().train(spec, new Quiet());
        assertThat(outcome.status()).isEqualTo(TrainingOutcome.Status.COMPLETED);
        adapter = outcome.modelDir();
    }

    /** The trained questions, where the fine-tune is confident, and one it never saw. */
    private static List<String> prompts(HfTokenizer tok) {
        List<String> questions = new ArrayList<>();
        for (List<String> qa : XboxSupportData.QA) questions.add(qa.get(0));
        questions.add("How do I reset my controller?");
        return questions.stream().map(q -> tok.chatTemplate().orElseThrow().render(List.of(
                ChatMessage.text("system", XboxSupportData.SYSTEM), ChatMessage.text("user", q)), true)).toList();
    }

    @Test
    void ggufOfAFineTunedLlamaGivesLlamaCppTheSameGreedyTokensAsOurEngine() throws Exception {
        LlamaModel.setLogger(LogFormat.TEXT, (level, message) -> {});
        for (GgufType type : GgufType.values()) {
            Path file = dir.resolve("tiny-chat-ft-" + type + ".gguf");
            TorchEngine.exportModel(adapter, base, TorchEngine.ExportFormat.GGUF,
                    TorchEngine.GgufType.valueOf(type.name()), "tiny-chat-ft", file);
            try (HfTokenizer tok = HfTokenizer.load(base);
                 CausalLm ours = CausalLm.load(base, new LoadOptions(Precision.FP32, false));
                 LoraModel lora = LoraModel.load(ours, adapter);
                 LlamaModel llama = new LlamaModel(new ModelParameters().setModel(file.toString()).setCtxSize(512)
                         .setThreads(1).setGpuLayers(0))) {
                int eos = tok.eosId().getAsInt();
                for (String prompt : prompts(tok)) {
                    int[] promptIds = tok.encode(prompt, false);
                    assertThat(llama.encode(prompt)).as("llama.cpp's tokens of %s", prompt).containsExactly(promptIds);
                    Greedy expected = greedy(ours, promptIds, eos);
                    String theirs = llama.complete(new InferenceParameters(prompt).setNPredict(MAX_NEW_TOKENS)
                            .setTemperature(0).setTopK(1).setRepeatPenalty(1).setSeed(1));
                    checkSameOrNearTie(type, tok, expected, theirs, ours.config().numLayers()
                            * (long) ours.config().intermediateSize());
                }
            }
        }
    }

    /**
     * GPT-2 (the demo model tiny-completion, a base model: random weights, so small margins) in f32 and f16: fused
     * qkv, learned positions, LayerNorm biases and a BOS-adding tokenizer, read by llama.cpp's gpt2 architecture.
     */
    @Test
    void ggufOfAGpt2BaseModelGivesLlamaCppTheSameGreedyTokens() throws Exception {
        Path gpt2 = dir.resolve("tiny-completion");
        TinyModels.create(gpt2, TinyModels.Kind.COMPLETION);
        checkBaseModel(gpt2, List.of("Q: Can I play PC games on my Xbox?\nA:", "The console"));
    }

    /**
     * The other layouts the writer handles, as small random models with the chat tokenizer: Qwen2 (q/k/v biases,
     * NEOX rotation, so no row permutation), Llama with attention biases (q/k biases permuted like their rows) and
     * linear rope scaling, and Llama 3 rope scaling (the rope_freqs tensor).
     */
    @Test
    void ggufOfQwen2AndScaledLlamaModelsGivesLlamaCppTheSameGreedyTokens() throws Exception {
        int vocab = TinyTokenizerFactory.vocabSize();
        List<TinyModelFactory.Spec> specs = List.of(
                new TinyModelFactory.Spec(TinyModelFactory.Arch.QWEN2, vocab, 64, 2, 4, 2, 128, 512, true, null, false),
                new TinyModelFactory.Spec(TinyModelFactory.Arch.LLAMA, vocab, 64, 2, 4, 2, 128, 512, false,
                        new RopeScaling("linear", 2.0, 0, 0, 0), true),
                new TinyModelFactory.Spec(TinyModelFactory.Arch.LLAMA, vocab, 64, 2, 4, 2, 128, 512, true,
                        new RopeScaling("llama3", 8.0, 1.0, 4.0, 64), false));
        for (int i = 0; i < specs.size(); i++) {
            Path model = dir.resolve("layout-" + i);
            TinyTokenizerFactory.write(model, TinyTokenizerFactory.Flavor.CHAT);
            TinyModelFactory.write(model, specs.get(i), 11 + i, TinyModelFactory.Init.FAN_IN);
            checkBaseModel(model, List.of("Can I play PC games on my Xbox? Let us check the network settings."));
        }
    }

    /**
     * Phi-3 (fused qkv and gate_up, partial rotary 0.75, longrope's short factors with an attention factor of
     * √(1 + ln 2 / ln 512): context 1024 over an original 512, loaded by llama.cpp with a 512-token context so it
     * picks the short factors as transformers does for these short prompts), untied and tied; Gemma 2 (soft-caps,
     * alternating window of 4, sandwich norms stored as 1 + w; 26 layers, the 2B's count) and Gemma 3 (q/k norms,
     * five sliding layers then a
     * global one, local rope base 10000, linear-scaled global rope), with query_pre_attn_scalar = head_dim as
     * llama.cpp assumes.
     */
    @Test
    void ggufOfPhi3AndGemmaModelsGivesLlamaCppTheSameGreedyTokens() throws Exception {
        int vocab = TinyTokenizerFactory.vocabSize();
        RopeScaling longrope = new RopeScaling("longrope", 0, 0, 0, 512);
        List<TinyModelFactory.Spec> specs = List.of(
                new TinyModelFactory.Spec(TinyModelFactory.Arch.PHI3, vocab, 64, 2, 4, 2, 128, 1024, false, longrope,
                        false),
                new TinyModelFactory.Spec(TinyModelFactory.Arch.PHI3, vocab, 64, 2, 4, 1, 128, 1024, true, longrope,
                        false),
                // 26 layers: this llama.cpp's gemma2 graph aborts on a layer count other than 2B's 26, 9B's 42, 27B's 46
                new TinyModelFactory.Spec(TinyModelFactory.Arch.GEMMA2, vocab, 64, 26, 4, 2, 128, 512, true, null,
                        false),
                new TinyModelFactory.Spec(TinyModelFactory.Arch.GEMMA3, vocab, 64, 6, 4, 2, 128, 512, true,
                        new RopeScaling("linear", 2.0, 0, 0, 0), false));
        for (int i = 0; i < specs.size(); i++) {
            TinyModelFactory.Spec spec = specs.get(i);
            Path model = dir.resolve("family-" + i);
            TinyTokenizerFactory.write(model, TinyTokenizerFactory.Flavor.CHAT);
            TinyModelFactory.write(model, spec, 21 + i, TinyModelFactory.Init.FAN_IN);
            if (spec.arch() != TinyModelFactory.Arch.PHI3) {
                editConfig(model, c -> {
                    c.put("query_pre_attn_scalar", spec.headDim());
                    if (spec.arch() == TinyModelFactory.Arch.GEMMA3) c.put("sliding_window_pattern", 6);
                });
            }
            checkBaseModel(model, List.of("Can I play PC games on my Xbox? Let us check the network settings."));
        }
    }

    @Test
    void ggufRefusesWhatLlamaCppWouldComputeDifferently() throws Exception {
        int vocab = TinyTokenizerFactory.vocabSize();
        Path gemma = dir.resolve("refused-gemma2");
        TinyTokenizerFactory.write(gemma, TinyTokenizerFactory.Flavor.CHAT);
        TinyModelFactory.write(gemma, TinyModelFactory.Spec.tiny(TinyModelFactory.Arch.GEMMA2, vocab), 1);
        assertThatThrownBy(() -> TorchEngine.exportModel(gemma, null, TorchEngine.ExportFormat.GGUF,
                TorchEngine.GgufType.F16, "g", dir.resolve("g.gguf")))
                .hasMessageContaining("query_pre_attn_scalar 24 other than head_dim 32");
        Path phi3 = dir.resolve("refused-phi3");
        TinyTokenizerFactory.write(phi3, TinyTokenizerFactory.Flavor.CHAT);
        TinyModelFactory.write(phi3, new TinyModelFactory.Spec(TinyModelFactory.Arch.PHI3, vocab, 64, 2, 4, 2, 128,
                512, true, null, false, 4), 1);
        assertThatThrownBy(() -> TorchEngine.exportModel(phi3, null, TorchEngine.ExportFormat.GGUF,
                TorchEngine.GgufType.F16, "p", dir.resolve("p.gguf")))
                .hasMessageContaining("sliding window of 4 tokens within its context of 512");
        Path qwen3 = dir.resolve("refused-qwen3");
        TinyTokenizerFactory.write(qwen3, TinyTokenizerFactory.Flavor.CHAT);
        TinyModelFactory.write(qwen3, TinyModelFactory.Spec.tiny(TinyModelFactory.Arch.QWEN3, vocab), 1);
        assertThatThrownBy(() -> TorchEngine.exportModel(qwen3, null, TorchEngine.ExportFormat.GGUF,
                TorchEngine.GgufType.F16, "q", dir.resolve("q.gguf")))
                .hasMessageContaining("architecture Qwen3ForCausalLM is not written yet");
        assertThat(dir.resolve("g.gguf")).doesNotExist();
    }

    private static void editConfig(Path model, java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> change)
            throws Exception {
        ObjectMapper json = new ObjectMapper();
        var c = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(model.resolve("config.json").toFile());
        change.accept(c);
        json.writeValue(model.resolve("config.json").toFile(), c);
    }

    /** f32 and f16 GGUF exports of a model folder against our engine, greedy, on {@code prompts}. */
    private static void checkBaseModel(Path model, List<String> prompts) throws Exception {
        LlamaModel.setLogger(LogFormat.TEXT, (level, message) -> {});
        for (GgufType type : List.of(GgufType.F32, GgufType.F16)) {
            Path file = model.resolveSibling(model.getFileName() + "-" + type + ".gguf");
            TorchEngine.exportModel(model, null, TorchEngine.ExportFormat.GGUF,
                    TorchEngine.GgufType.valueOf(type.name()), model.getFileName().toString(), file);
            try (HfTokenizer tok = HfTokenizer.load(model);
                 CausalLm ours = CausalLm.load(model, new LoadOptions(Precision.FP32, false));
                 LlamaModel llama = new LlamaModel(new ModelParameters().setModel(file.toString()).setCtxSize(512)
                         .setThreads(1).setGpuLayers(0))) {
                for (String prompt : prompts) {
                    int[] promptIds = tok.encode(prompt, true);
                    // the binding's encode may or may not add BOS; the completion must (checked by its text)
                    int bos = tok.bosId().getAsInt();
                    assertThat(Arrays.stream(llama.encode(prompt)).dropWhile(t -> t == bos).toArray())
                            .as("llama.cpp's tokens of %s", prompt)
                            .containsExactly(Arrays.stream(promptIds).dropWhile(t -> t == bos).toArray());
                    Greedy expected = greedy(ours, promptIds, tok.eosId().getAsInt());
                    String theirs = llama.complete(new InferenceParameters(prompt).setNPredict(MAX_NEW_TOKENS)
                            .setTemperature(0).setTopK(1).setRepeatPenalty(1).setSeed(1));
                    checkSameOrNearTie(type, tok, expected, theirs, ours.config().numLayers()
                            * (long) ours.config().intermediateSize());
                }
            }
        }
    }

    /**
     * Equal text, or a divergence only at a step where our top two logits are within what the file's rounding can
     * move them ({@link Tolerances#rounding} with the type's spacing, on both computations).
     */
    private static void checkSameOrNearTie(GgufType type, HfTokenizer tok, Greedy ours, String theirs, long ops) {
        String oursText = tok.decode(ours.tokens(), true);
        System.out.printf("%s: ours=%s | llama.cpp=%s | margins=%s%n", type, oursText, theirs,
                Arrays.toString(Arrays.stream(ours.margins()).map(m -> Math.round(m * 1000) / 1000.0).toArray()));
        if (oursText.equals(theirs)) return;
        int step = 0;
        while (step < ours.tokens().length
                && theirs.startsWith(tok.decode(Arrays.copyOf(ours.tokens(), step + 1), true))) step++;
        step = Math.min(step, MAX_NEW_TOKENS - 1); // = tokens().length: we stopped (EOS) where llama.cpp went on
        double eps = switch (type) {
            case F32 -> Tolerances.FP32_EPS;
            case F16 -> 0x1p-10;
            case BF16 -> Tolerances.BF16_EPS;
            case Q8_0 -> 1.0 / 127; // one quantisation step of the block's largest weight
        };
        double allowed = 2 * Tolerances.rounding(eps, ours.scales()[step], ops);
        assertThat(ours.margins()[step]).as("%s: llama.cpp diverged at generated token %d (ours %s, theirs %s)",
                type, step, oursText, theirs).isLessThan(allowed);
    }

    /** Our greedy decoding, recording each step's top-1 − top-2 logit gap and largest |logit|. */
    private record Greedy(int[] tokens, double[] margins, double[] scales) {}

    private static Greedy greedy(CausalLm model, int[] prompt, int eos) {
        List<Integer> seq = new ArrayList<>();
        for (int t : prompt) seq.add(t);
        List<Integer> out = new ArrayList<>();
        double[] margins = new double[MAX_NEW_TOKENS];
        double[] scales = new double[MAX_NEW_TOKENS];
        try (NoGrad ng = NoGrad.enter()) {
            for (int step = 0; step < MAX_NEW_TOKENS; step++) {
                float[] logits;
                try (PointerScope scope = new PointerScope()) {
                    long[] ids = seq.stream().mapToLong(Integer::longValue).toArray();
                    Tensor h = model.hidden(Tensors.longs(ids, 1, ids.length), null, null);
                    logits = Tensors.toFloats(model.logits(h.select(1, ids.length - 1)));
                }
                int best = 0;
                int second = -1;
                double scale = 0;
                for (int i = 0; i < logits.length; i++) {
                    scale = Math.max(scale, Math.abs(logits[i]));
                    if (logits[i] > logits[best]) {
                        second = best;
                        best = i;
                    } else if (i != best && (second < 0 || logits[i] > logits[second])) {
                        second = i;
                    }
                }
                margins[step] = logits[best] - logits[second];
                scales[step] = scale;
                if (best == eos) break;
                out.add(best);
                seq.add(best);
            }
        }
        return new Greedy(out.stream().mapToInt(Integer::intValue).toArray(), margins, scales);
    }

    @Test
    void hfExportOfAnAdapterLoadsAsABaseModelWithTheFineTunedLogits() throws Exception {
        Path out = dir.resolve("hf");
        TorchEngine.exportModel(adapter, base, TorchEngine.ExportFormat.HF, null, "ft", out);
        assertThat(out.resolve("config.json")).exists();
        assertThat(out.resolve("model.safetensors")).exists();
        assertThat(out.resolve("tokenizer.json")).exists();
        assertThat(out.resolve("tokenizer_config.json")).exists();
        assertThat(TorchEngine.isAdapter(out)).isFalse();

        LoadOptions fp32 = new LoadOptions(Precision.FP32, false);
        try (HfTokenizer tok = HfTokenizer.load(out);
             CausalLm merged = CausalLm.load(out, fp32);
             CausalLm served = CausalLm.load(base, fp32);
             LoraModel lora = LoraModel.load(served, adapter);
             PointerScope scope = new PointerScope();
             NoGrad ng = NoGrad.enter()) {
            int[] ids = tok.encode(prompts(tok).get(0), false);
            Tensor input = Tensors.longs(Arrays.stream(ids).asLongStream().toArray(), 1, ids.length);
            float[] a = Tensors.toFloats(merged.logits(merged.hidden(input, null, null)));
            float[] b = Tensors.toFloats(served.logits(served.hidden(input, null, null)));
            double scale = 0;
            double worst = 0;
            for (int i = 0; i < a.length; i++) {
                scale = Math.max(scale, Math.abs(b[i]));
                worst = Math.max(worst, Math.abs(a[i] - b[i]));
            }
            // W + s·BA once versus W·x + s·B(A·x) every pass: the same products rounded in another order
            long ops = merged.config().numLayers() * (long) merged.config().intermediateSize();
            assertThat(worst).isLessThan(Tolerances.fp32(scale, ops));
            // and the adapter mattered: the base alone is far off
            lora.close();
            float[] plain = Tensors.toFloats(served.logits(served.hidden(input, null, null)));
            double moved = 0;
            for (int i = 0; i < a.length; i++) moved = Math.max(moved, Math.abs(plain[i] - b[i]));
            assertThat(moved).isGreaterThan(100 * Tolerances.fp32(scale, ops));
        }
    }

    /**
     * A LoRA adapter of a Phi-3 model on the fused modules (qkv_proj, o_proj, gate_up_proj, down_proj, B random):
     * its PEFT export names and shapes the fused modules as PEFT does, the merged hf folder gives the adapted
     * logits, and that folder's GGUF gives llama.cpp our greedy tokens.
     */
    @Test
    void phi3AdapterExportsMergeTheFusedModules() throws Exception {
        Path phi3 = dir.resolve("phi3-base");
        TinyTokenizerFactory.write(phi3, TinyTokenizerFactory.Flavor.CHAT);
        TinyModelFactory.Spec spec = new TinyModelFactory.Spec(TinyModelFactory.Arch.PHI3,
                TinyTokenizerFactory.vocabSize(), 64, 2, 4, 2, 128, 1024, false,
                new RopeScaling("longrope", 0, 0, 0, 512), false);
        TinyModelFactory.write(phi3, spec, 31, TinyModelFactory.Init.FAN_IN);
        Path phi3Adapter = dir.resolve("phi3-adapter");
        LoadOptions fp32 = new LoadOptions(Precision.FP32, false);
        try (CausalLm m = CausalLm.load(phi3, fp32);
             LoraModel lora = LoraModel.attach(m, dev.whetstone.engine.torch.lora.LoraConfig.defaults(
                     m.config().architecture()), 5)) {
            org.bytedeco.pytorch.global.torch.manual_seed(5);
            try (NoGrad ng = NoGrad.enter()) {
                lora.trainableParameters().forEach((n, t) -> {
                    if (n.contains("lora_B")) {
                        t.copy_(org.bytedeco.pytorch.global.torch.randn(t.size(0), t.size(1))
                                .mul(Tensors.scalar(0.05)));
                    }
                });
            }
            lora.save(phi3Adapter);
        }
        Path peft = dir.resolve("phi3-peft");
        TorchEngine.exportModel(phi3Adapter, phi3, TorchEngine.ExportFormat.PEFT, null, "p", peft);
        try (SafetensorsReader r = SafetensorsReader.open(peft.resolve(PeftFiles.WEIGHTS))) {
            String qkv = "base_model.model.model.layers.1.self_attn.qkv_proj.";
            String gateUp = "base_model.model.model.layers.1.mlp.gate_up_proj.";
            assertThat(r.names()).contains(qkv + "lora_A.weight", qkv + "lora_B.weight", gateUp + "lora_A.weight",
                    gateUp + "lora_B.weight", "base_model.model.model.layers.1.self_attn.o_proj.lora_A.weight",
                    "base_model.model.model.layers.1.mlp.down_proj.lora_B.weight");
            try (PointerScope scope = new PointerScope()) {
                // rows of the fused outputs: q (4·16) + k and v (2·16 each); gate and up (2·128)
                assertThat(r.read(qkv + "lora_B.weight", dev.whetstone.engine.torch.model.DType.F32).shape())
                        .containsExactly(128, 16);
                assertThat(r.read(gateUp + "lora_B.weight", dev.whetstone.engine.torch.model.DType.F32).shape())
                        .containsExactly(256, 16);
            }
        }
        JsonNode config = new ObjectMapper().readTree(peft.resolve("adapter_config.json").toFile());
        assertThat(config.path("target_modules").toString())
                .isEqualTo("[\"qkv_proj\",\"o_proj\",\"gate_up_proj\",\"down_proj\"]");

        // the GGUF's general.name is the folder's name: llama.cpp marks "</s>" (which the demo vocabulary lacks)
        // in models whose name contains "phi3" or "phi-3", and then refuses the vocabulary
        Path merged = dir.resolve("merged-adapter");
        TorchEngine.exportModel(phi3Adapter, phi3, TorchEngine.ExportFormat.HF, null, "m", merged);
        try (CausalLm fromHf = CausalLm.load(merged, fp32);
             CausalLm served = CausalLm.load(phi3, fp32);
             LoraModel lora = LoraModel.load(served, phi3Adapter);
             PointerScope scope = new PointerScope();
             NoGrad ng = NoGrad.enter()) {
            Tensor input = Tensors.longs(new long[] {5, 80, 300, 41, 7, 99, 12, 250, 251}, 1, 9);
            float[] a = Tensors.toFloats(fromHf.logits(fromHf.hidden(input, null, null)));
            float[] b = Tensors.toFloats(served.logits(served.hidden(input, null, null)));
            lora.close();
            float[] plain = Tensors.toFloats(served.logits(served.hidden(input, null, null)));
            double scale = 0;
            double worst = 0;
            double moved = 0;
            for (int i = 0; i < a.length; i++) {
                scale = Math.max(scale, Math.abs(b[i]));
                worst = Math.max(worst, Math.abs(a[i] - b[i]));
                moved = Math.max(moved, Math.abs(plain[i] - b[i]));
            }
            long ops = spec.layers() * (long) spec.intermediate();
            assertThat(worst).isLessThan(Tolerances.fp32(scale, ops));
            assertThat(moved).as("the adapter matters").isGreaterThan(100 * Tolerances.fp32(scale, ops));
        }
        checkBaseModel(merged, List.of("Can I play PC games on my Xbox? Let us check the network settings."));
    }

    @Test
    void peftExportHasPeftsFileAndTensorNames() throws Exception {
        Path out = dir.resolve("peft");
        TorchEngine.exportModel(adapter, base, TorchEngine.ExportFormat.PEFT, null, "ft", out);
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("adapter_config.json", "adapter_model.safetensors");
        }
        JsonNode config = new ObjectMapper().readTree(out.resolve("adapter_config.json").toFile());
        assertThat(config.path("peft_type").asText()).isEqualTo("LORA");
        assertThat(config.path("task_type").asText()).isEqualTo("CAUSAL_LM");
        assertThat(config.path("r").asInt()).isPositive();
        assertThat(config.has("lora_alpha")).isTrue();
        assertThat(config.path("target_modules").isArray()).isTrue();
        try (SafetensorsReader r = SafetensorsReader.open(out.resolve(PeftFiles.WEIGHTS))) {
            assertThat(r.names()).contains("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
                    "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight");
            assertThat(r.names()).allMatch(n -> n.matches("base_model\\.model\\.model\\.layers\\.\\d+\\.\\w+\\.\\w+"
                    + "\\.lora_[AB]\\.weight"));
        }
    }

    @Test
    void peftExportOfACompleteModelIsRefusedWithAReason() {
        assertThatThrownBy(() -> TorchEngine.exportModel(base, null, TorchEngine.ExportFormat.PEFT, null, "b",
                dir.resolve("nope"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a LoRA adapter");
    }

    private static final class Quiet implements TrainingListener {
        @Override public void onPlan(TrainingPlan plan) {}

        @Override public void onStep(StepMetrics m) {}

        @Override public void onCheckpoint(CheckpointInfo checkpoint) {}

        @Override public void onWarning(String message) {}
    }
}
