package dev.whetstone.engine.torch.model;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The decoder families the engine implements, by their Hugging Face {@code architectures} name. */
public enum Architecture {
    /** Llama 1–3, SmolLM2, TinyLlama. */
    LLAMA(List.of("LlamaForCausalLM")),
    /** Mistral: the Llama layout with sliding-window attention on every layer when {@code sliding_window} is set. */
    MISTRAL(List.of("MistralForCausalLM")),
    /** Qwen2/Qwen2.5: Llama layout plus q/k/v biases. */
    QWEN2(List.of("Qwen2ForCausalLM")),
    /** SmolLM3: the Llama layout with RoPE left out of the layers no_rope_layers marks 0 (NoPE). */
    SMOLLM3(List.of("SmolLM3ForCausalLM")),
    /** Qwen3 (dense): Llama layout with per-head RMSNorm on q and k before RoPE, explicit head_dim, no qkv bias. */
    QWEN3(List.of("Qwen3ForCausalLM")),
    /**
     * Gemma 2: √hidden-scaled embeddings, (1 + weight) RMSNorm, norms before and after attention and MLP, gated
     * GELU(tanh) MLP, alternating sliding/global layers, attention and final logit soft-capping.
     */
    GEMMA2(List.of("Gemma2ForCausalLM")),
    /** Gemma 3 text: Gemma 2's block with q/k norms, and local layers with their own RoPE base. */
    GEMMA3(List.of("Gemma3ForCausalLM")),
    /**
     * Phi-3, Phi-3.5, Phi-4-mini: the Llama block with fused qkv_proj and gate_up_proj weights, RoPE on the first
     * partial_rotary_factor of each head, longrope scaling (short/long factors by sequence length).
     */
    PHI3(List.of("Phi3ForCausalLM")),
    /** GPT-2: learned positions, LayerNorm, fused qkv Conv1D, GELU(tanh), tied head. */
    GPT2(List.of("GPT2LMHeadModel"));

    private final List<String> hfNames;

    Architecture(List<String> hfNames) { this.hfNames = hfNames; }

    public List<String> hfNames() { return hfNames; }

    public static Architecture fromHfName(String name, String where) {
        for (Architecture a : values()) {
            if (a.hfNames.contains(name)) return a;
        }
        throw new UnsupportedModelException(where + ": architecture '" + name + "' is not supported; supported: "
                + supportedNames() + ", and the vision-language " + ConfigReader.MULTIMODAL);
    }

    public static String supportedNames() {
        return Arrays.stream(values()).flatMap(a -> a.hfNames.stream()).collect(Collectors.joining(", "));
    }
}
