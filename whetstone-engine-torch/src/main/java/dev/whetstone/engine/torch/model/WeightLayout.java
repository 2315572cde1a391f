package dev.whetstone.engine.torch.model;

import java.util.Set;

/**
 * Hugging Face tensor names of an architecture. Module paths (without ".weight") double as LoRA target names,
 * e.g. {@code model.layers.3.self_attn.q_proj}.
 */
sealed interface WeightLayout {
    String embedding();

    String finalNorm();

    /** Untied output head, or null when the embedding matrix is reused. */
    String head(ModelConfig c);

    String layer(int i);

    /** Tensors stored transposed, (in, out), on disk: GPT-2's Conv1D weights. */
    boolean storedTransposed(String weightName);

    /** Names of buffers that checkpoints may carry and the engine ignores. */
    default boolean ignorable(String name) { return name.endsWith("rotary_emb.inv_freq"); }

    static WeightLayout of(ModelConfig c, Set<String> names) {
        if (c.architecture() != Architecture.GPT2) return new Llama();
        // Checkpoints saved from GPT2Model lack the "transformer." prefix of GPT2LMHeadModel's.
        return new Gpt2(names.contains("wte.weight") ? "" : "transformer.");
    }

    record Llama() implements WeightLayout {
        public String embedding() { return "model.embed_tokens.weight"; }

        public String finalNorm() { return "model.norm"; }

        public String head(ModelConfig c) { return c.tiedEmbeddings() ? null : "lm_head.weight"; }

        public String layer(int i) { return "model.layers." + i; }

        public boolean storedTransposed(String weightName) { return false; }
    }

    record Gpt2(String prefix) implements WeightLayout {
        public String embedding() { return prefix + "wte.weight"; }

        String positions() { return prefix + "wpe.weight"; }

        public String finalNorm() { return prefix + "ln_f"; }

        public String head(ModelConfig c) { return null; }

        public String layer(int i) { return prefix + "h." + i; }

        public boolean storedTransposed(String weightName) {
            return weightName.endsWith("attn.c_attn.weight") || weightName.endsWith("attn.c_proj.weight")
                    || weightName.endsWith("mlp.c_fc.weight") || weightName.endsWith("mlp.c_proj.weight");
        }

        @Override
        public boolean ignorable(String name) {
            return name.endsWith(".attn.bias") || name.endsWith(".attn.masked_bias") || name.equals("lm_head.weight");
        }
    }
}
