package dev.whetstone.engine.torch.export;

import dev.whetstone.engine.torch.model.Architecture;
import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.ModelConfig;
import dev.whetstone.engine.torch.model.RopeScaling;
import dev.whetstone.engine.torch.model.Tensors;
import dev.whetstone.engine.torch.model.UnsupportedModelException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * A loaded model as one GGUF file for llama.cpp: the metadata keys and tensor names of llama.cpp's
 * {@code gguf-py/gguf/constants.py} for its {@code llama}, {@code qwen2} and {@code gpt2} architectures, and the
 * weight transformations of its {@code convert_hf_to_gguf.py} (Llama's q/k rows permuted from Hugging Face's
 * half-split rotary layout to llama.cpp's interleaved one; Llama 3 rope scaling as a {@code rope_freqs} tensor).
 * One-dimensional tensors (norms, biases) stay fp32 whatever the requested type, as llama.cpp's converter does.
 */
final class GgufExport {
    private GgufExport() {}

    /** Writes {@code model} (its weights as they are now: adapters already merged) with its tokenizer. */
    static void write(CausalLm model, Path tokenizerDir, String name, GgufType type, Path file) throws IOException {
        ModelConfig c = model.config();
        String arch = switch (c.architecture()) {
            case LLAMA -> "llama";
            // llama.cpp reads Mistral as llama, which has no sliding window: only exact without one
            case MISTRAL -> {
                if (c.slidingWindow() != null) {
                    throw new UnsupportedModelException("GGUF export: this Mistral model attends through a sliding "
                            + "window of " + c.slidingWindow() + " tokens, which llama.cpp's llama architecture "
                            + "does not apply; export it as hf instead");
                }
                yield "llama";
            }
            case QWEN2 -> "qwen2";
            case GPT2 -> "gpt2";
            case PHI3 -> {
                checkPhi3(c);
                yield "phi3";
            }
            case GEMMA2, GEMMA3 -> {
                checkGemma(c);
                yield c.architecture() == Architecture.GEMMA2 ? "gemma2" : "gemma3";
            }
            // llama.cpp knows qwen3 and smollm3 since spring / summer 2025; the llama.cpp the tests load an export
            // into (de.kherud:llama 4.2.0) predates both, so no export of ours could be checked against it
            case QWEN3, SMOLLM3 -> throw new UnsupportedModelException("GGUF export: architecture "
                    + c.architecture().hfNames().getFirst() + " is not written yet (llama, mistral without a sliding "
                    + "window, qwen2, gemma2, gemma3, phi3 and gpt2 are); export it as hf or peft instead");
        };
        GgufWriter gguf = new GgufWriter();
        gguf.putString("general.architecture", arch);
        gguf.putString("general.name", name);
        gguf.putU32("general.quantization_version", 2);
        gguf.putU32("general.file_type", type.fileType);
        gguf.putU32(arch + ".vocab_size", c.vocabSize());
        gguf.putU32(arch + ".context_length", c.maxPositions());
        gguf.putU32(arch + ".embedding_length", c.hiddenSize());
        gguf.putU32(arch + ".feed_forward_length", c.intermediateSize());
        gguf.putU32(arch + ".block_count", c.numLayers());
        gguf.putU32(arch + ".attention.head_count", c.numHeads());
        if (c.architecture() == Architecture.GPT2) {
            gguf.putF32(arch + ".attention.layer_norm_epsilon", c.normEps());
        } else {
            gguf.putU32(arch + ".attention.head_count_kv", c.numKvHeads());
            gguf.putF32(arch + ".attention.layer_norm_rms_epsilon", c.normEps());
            gguf.putF32(arch + ".rope.freq_base", c.ropeTheta());
            gguf.putU32(arch + ".rope.dimension_count", c.rotaryDim());
            if (c.headDim() * c.numHeads() != c.hiddenSize() || c.sandwichNorms()) {
                gguf.putU32(arch + ".attention.key_length", c.headDim());
                gguf.putU32(arch + ".attention.value_length", c.headDim());
            }
            if (c.ropeScaling() != null && c.ropeScaling().type().equals("linear")) {
                gguf.putString(arch + ".rope.scaling.type", "linear");
                gguf.putF32(arch + ".rope.scaling.factor", c.ropeScaling().factor());
            }
        }
        if (c.architecture() == Architecture.PHI3) {
            // as convert_hf_to_gguf's Phi3MiniModel: 0 = no window; longrope's pre-training context and factor
            gguf.putU32(arch + ".attention.sliding_window", c.slidingWindow() == null ? 0 : c.slidingWindow());
            if (c.longRope() != null) {
                gguf.putU32(arch + ".rope.scaling.original_context_length", c.longRope().originalMaxPositions());
                gguf.putF32(arch + ".rope.scaling.attn_factor", c.longRope().attentionFactor());
            }
        }
        if (c.sandwichNorms()) {
            if (c.hasSlidingLayers()) gguf.putU32(arch + ".attention.sliding_window", c.slidingWindow());
            if (c.attentionSoftcap() != null) gguf.putF32(arch + ".attn_logit_softcapping", c.attentionSoftcap());
            if (c.finalSoftcap() != null) gguf.putF32(arch + ".final_logit_softcapping", c.finalSoftcap());
        }
        GgufVocabulary.write(tokenizerDir, c.vocabSize(), gguf);

        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> p = model.parameters();
            switch (c.architecture()) {
                case GPT2 -> gpt2Tensors(c, p, type, gguf);
                case PHI3 -> phi3Tensors(c, p, type, gguf);
                case GEMMA2, GEMMA3 -> gemmaTensors(c, p, type, gguf);
                default -> llamaTensors(c, p, type, gguf);
            }
            gguf.write(file);
        }
    }

    private static void llamaTensors(ModelConfig c, Map<String, Tensor> p, GgufType type, GgufWriter gguf) {
        boolean permute = c.architecture() == Architecture.LLAMA || c.architecture() == Architecture.MISTRAL; // Qwen2 already uses llama.cpp's NEOX rotation
        add(gguf, "token_embd.weight", p.get("model.embed_tokens.weight"), type);
        if (c.ropeScaling() != null && c.ropeScaling().type().equals("llama3")) {
            add(gguf, "rope_freqs.weight", Tensors.floats(llama3RopeFactors(c), c.headDim() / 2), type);
        }
        for (int i = 0; i < c.numLayers(); i++) {
            String hf = "model.layers." + i + ".";
            String g = "blk." + i + ".";
            add(gguf, g + "attn_norm.weight", p.get(hf + "input_layernorm.weight"), type);
            for (String part : new String[] {"weight", "bias"}) {
                Tensor q = p.get(hf + "self_attn.q_proj." + part);
                Tensor k = p.get(hf + "self_attn.k_proj." + part);
                if (q != null) add(gguf, g + "attn_q." + part, permute ? ropeRows(q, c.numHeads()) : q, type);
                if (k != null) add(gguf, g + "attn_k." + part, permute ? ropeRows(k, c.numKvHeads()) : k, type);
                addIfPresent(gguf, g + "attn_v." + part, p.get(hf + "self_attn.v_proj." + part), type);
                addIfPresent(gguf, g + "attn_output." + part, p.get(hf + "self_attn.o_proj." + part), type);
                addIfPresent(gguf, g + "ffn_gate." + part, p.get(hf + "mlp.gate_proj." + part), type);
                addIfPresent(gguf, g + "ffn_up." + part, p.get(hf + "mlp.up_proj." + part), type);
                addIfPresent(gguf, g + "ffn_down." + part, p.get(hf + "mlp.down_proj." + part), type);
            }
            add(gguf, g + "ffn_norm.weight", p.get(hf + "post_attention_layernorm.weight"), type);
        }
        add(gguf, "output_norm.weight", p.get("model.norm.weight"), type);
        // tied: llama.cpp reuses token_embd when output.weight is absent, as the converter leaves it
        if (!c.tiedEmbeddings()) add(gguf, "output.weight", p.get("lm_head.weight"), type);
    }

    /**
     * llama.cpp's phi3 graph: no sliding window it would apply (it reads the key but, since May 2025, disables
     * Phi's window), long or short rope factors chosen by the context it is loaded with (not by the sequence, as
     * transformers does), partial rotary from rope.dimension_count.
     */
    private static void checkPhi3(ModelConfig c) {
        if (c.slidingWindow() != null && c.slidingWindow() < c.maxPositions()) {
            throw new UnsupportedModelException("GGUF export: this Phi-3 model attends through a sliding window of "
                    + c.slidingWindow() + " tokens within its context of " + c.maxPositions() + ", which llama.cpp's"
                    + " phi3 architecture does not apply; export it as hf instead");
        }
    }

    /**
     * What llama.cpp's gemma2/gemma3 graphs fix rather than read: the query scale 1/√head_dim (they ignore
     * query_pre_attn_scalar, except for a 27B model recognised by its layer count), Gemma 3's local rope base 10000
     * and its pattern of five sliding layers then a global one, and no soft-capping in Gemma 3.
     */
    private static void checkGemma(ModelConfig c) {
        String name = c.architecture().hfNames().getFirst();
        if (Math.abs(c.attentionScale() * Math.sqrt(c.headDim()) - 1) > 1e-12) {
            throw new UnsupportedModelException("GGUF export: " + name + " with query_pre_attn_scalar "
                    + Math.round(1 / (c.attentionScale() * c.attentionScale())) + " other than head_dim "
                    + c.headDim() + " is not written: llama.cpp scales queries by 1/sqrt(head_dim)");
        }
        if (c.architecture() != Architecture.GEMMA3) return;
        for (int i = 0; i < c.numLayers(); i++) {
            if (c.layerKinds().get(i).sliding() != ((i + 1) % 6 != 0)) {
                throw new UnsupportedModelException("GGUF export: Gemma 3 layer " + i + " is "
                        + (c.layerKinds().get(i).sliding() ? "sliding" : "global") + ", but llama.cpp's gemma3 makes"
                        + " every 6th layer global and the others sliding (sliding_window_pattern 6)");
            }
        }
        if (c.localRopeTheta() != 10000.0) {
            throw new UnsupportedModelException("GGUF export: Gemma 3 rope_local_base_freq " + c.localRopeTheta()
                    + " is not written: llama.cpp's gemma3 rotates sliding layers with base 10000");
        }
        if (c.attentionSoftcap() != null || c.finalSoftcap() != null) {
            throw new UnsupportedModelException("GGUF export: Gemma 3 with soft-capping is not written: llama.cpp's"
                    + " gemma3 does not soft-cap");
        }
    }

    /** Phi-3: fused qkv and gate_up weights as llama.cpp's attn_qkv and ffn_up; longrope's factors as tensors. */
    private static void phi3Tensors(ModelConfig c, Map<String, Tensor> p, GgufType type, GgufWriter gguf) {
        add(gguf, "token_embd.weight", p.get("model.embed_tokens.weight"), type);
        if (c.longRope() != null) {
            add(gguf, "rope_factors_long.weight", floats(c.longRope().longFactor()), type);
            add(gguf, "rope_factors_short.weight", floats(c.longRope().shortFactor()), type);
        }
        for (int i = 0; i < c.numLayers(); i++) {
            String hf = "model.layers." + i + ".";
            String g = "blk." + i + ".";
            add(gguf, g + "attn_norm.weight", p.get(hf + "input_layernorm.weight"), type);
            add(gguf, g + "attn_qkv.weight", p.get(hf + "self_attn.qkv_proj.weight"), type);
            add(gguf, g + "attn_output.weight", p.get(hf + "self_attn.o_proj.weight"), type);
            add(gguf, g + "ffn_norm.weight", p.get(hf + "post_attention_layernorm.weight"), type);
            add(gguf, g + "ffn_up.weight", p.get(hf + "mlp.gate_up_proj.weight"), type);
            add(gguf, g + "ffn_down.weight", p.get(hf + "mlp.down_proj.weight"), type);
        }
        add(gguf, "output_norm.weight", p.get("model.norm.weight"), type);
        // written even when tied (Phi-4-mini): llama.cpp's phi3 loader has required output.weight
        add(gguf, "output.weight", c.tiedEmbeddings() ? p.get("model.embed_tokens.weight") : p.get("lm_head.weight"),
                type);
    }

    /**
     * Gemma 2/3: the converter stores every RMSNorm weight as 1 + w (llama.cpp multiplies by the stored weight);
     * pre_feedforward_layernorm is ffn_norm, post_feedforward_layernorm post_ffw_norm; the head is the embedding.
     */
    private static void gemmaTensors(ModelConfig c, Map<String, Tensor> p, GgufType type, GgufWriter gguf) {
        add(gguf, "token_embd.weight", p.get("model.embed_tokens.weight"), type);
        String[][] norms = {{"input_layernorm", "attn_norm"}, {"post_attention_layernorm", "post_attention_norm"},
                {"pre_feedforward_layernorm", "ffn_norm"}, {"post_feedforward_layernorm", "post_ffw_norm"},
                {"self_attn.q_norm", "attn_q_norm"}, {"self_attn.k_norm", "attn_k_norm"}};
        for (int i = 0; i < c.numLayers(); i++) {
            String hf = "model.layers." + i + ".";
            String g = "blk." + i + ".";
            for (String[] n : norms) {
                Tensor w = p.get(hf + n[0] + ".weight");
                if (w != null) add(gguf, g + n[1] + ".weight", w.add(Tensors.scalar(1)), type);
            }
            add(gguf, g + "attn_q.weight", p.get(hf + "self_attn.q_proj.weight"), type);
            add(gguf, g + "attn_k.weight", p.get(hf + "self_attn.k_proj.weight"), type);
            add(gguf, g + "attn_v.weight", p.get(hf + "self_attn.v_proj.weight"), type);
            add(gguf, g + "attn_output.weight", p.get(hf + "self_attn.o_proj.weight"), type);
            add(gguf, g + "ffn_gate.weight", p.get(hf + "mlp.gate_proj.weight"), type);
            add(gguf, g + "ffn_up.weight", p.get(hf + "mlp.up_proj.weight"), type);
            add(gguf, g + "ffn_down.weight", p.get(hf + "mlp.down_proj.weight"), type);
        }
        add(gguf, "output_norm.weight", p.get("model.norm.weight").add(Tensors.scalar(1)), type);
        if (!c.tiedEmbeddings()) add(gguf, "output.weight", p.get("lm_head.weight"), type);
    }

    private static Tensor floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return Tensors.floats(f, f.length);
    }

    private static void gpt2Tensors(ModelConfig c, Map<String, Tensor> p, GgufType type, GgufWriter gguf) {
        add(gguf, "token_embd.weight", p.get("transformer.wte.weight"), type);
        add(gguf, "position_embd.weight", p.get("transformer.wpe.weight"), type);
        for (int i = 0; i < c.numLayers(); i++) {
            String hf = "transformer.h." + i + ".";
            String g = "blk." + i + ".";
            for (String part : new String[] {"weight", "bias"}) {
                add(gguf, g + "attn_norm." + part, p.get(hf + "ln_1." + part), type);
                add(gguf, g + "attn_qkv." + part, p.get(hf + "attn.c_attn." + part), type);
                add(gguf, g + "attn_output." + part, p.get(hf + "attn.c_proj." + part), type);
                add(gguf, g + "ffn_norm." + part, p.get(hf + "ln_2." + part), type);
                add(gguf, g + "ffn_up." + part, p.get(hf + "mlp.c_fc." + part), type);
                add(gguf, g + "ffn_down." + part, p.get(hf + "mlp.c_proj." + part), type);
            }
        }
        add(gguf, "output_norm.weight", p.get("transformer.ln_f.weight"), type);
        add(gguf, "output_norm.bias", p.get("transformer.ln_f.bias"), type);
        // GPT-2's head is always the embedding; the converter writes it out as output.weight, as older readers need
        add(gguf, "output.weight", p.get("transformer.wte.weight"), type);
    }

    /**
     * Hugging Face's Llama rotates the two halves of each head's rows, llama.cpp rotates adjacent pairs: per head,
     * row order (0, h/2, 1, h/2+1, …) — {@code reshape(heads, 2, h/2, …).swapaxes(1, 2)} as in the converter.
     */
    static Tensor ropeRows(Tensor w, int heads) {
        long rows = w.size(0);
        long[] split = w.dim() == 1 ? new long[] {heads, 2, rows / heads / 2}
                : new long[] {heads, 2, rows / heads / 2, w.size(1)};
        return w.reshape(split).transpose(1, 2).reshape(w.shape()).contiguous();
    }

    /** Llama 3's per-frequency divisors of the rotary angles, exactly as the converter computes them. */
    private static float[] llama3RopeFactors(ModelConfig c) {
        RopeScaling s = c.ropeScaling();
        int dim = c.headDim();
        double lowWavelen = s.originalMaxPositions() / s.lowFreqFactor();
        double highWavelen = s.originalMaxPositions() / s.highFreqFactor();
        float[] out = new float[dim / 2];
        for (int i = 0; i < dim / 2; i++) {
            float freq = (float) (1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / dim));
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < highWavelen) out[i] = 1;
            else if (wavelen > lowWavelen) out[i] = (float) s.factor();
            else {
                double smooth = (s.originalMaxPositions() / wavelen - s.lowFreqFactor())
                        / (s.highFreqFactor() - s.lowFreqFactor());
                out[i] = (float) (1 / ((1 - smooth) / s.factor() + smooth));
            }
        }
        return out;
    }

    private static void addIfPresent(GgufWriter gguf, String name, Tensor t, GgufType type) {
        if (t != null) add(gguf, name, t, type);
    }

    private static void add(GgufWriter gguf, String name, Tensor t, GgufType requested) {
        if (t == null) throw new UnsupportedModelException("GGUF export: the model has no weight for " + name);
        long[] shape = t.shape();
        long row = shape[shape.length - 1];
        GgufType type = shape.length == 1 ? GgufType.F32 : requested.fits(row) ? requested : GgufType.F16;
        Tensor flat = t.reshape(-1, row);
        gguf.addTensor(name, shape, type, (first, count) -> {
            try (PointerScope s = new PointerScope()) {
                return Tensors.toFloats(flat.narrow(0, first, count));
            }
        });
    }
}
