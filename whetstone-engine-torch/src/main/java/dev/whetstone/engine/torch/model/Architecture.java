package dev.whetstone.engine.torch.model;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The decoder families the engine implements, by their Hugging Face {@code architectures} name. */
public enum Architecture {
    /** Llama 1–3, SmolLM2, TinyLlama; also Mistral checkpoints without a binding sliding window. */
    LLAMA(List.of("LlamaForCausalLM", "MistralForCausalLM")),
    /** Qwen2/Qwen2.5: Llama layout plus q/k/v biases. */
    QWEN2(List.of("Qwen2ForCausalLM")),
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
                + supportedNames());
    }

    public static String supportedNames() {
        return Arrays.stream(values()).flatMap(a -> a.hfNames.stream()).collect(Collectors.joining(", "));
    }
}
