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
        if (c.architecture() != Architecture.GPT2) return Llama.CAUSAL_LM;
        // Checkpoints saved from GPT2Model lack the "transformer." prefix of GPT2LMHeadModel's.
        return new Gpt2(names.contains("wte.weight") ? "" : "transformer.");
    }

    /**
     * Llama-layout decoders. {@code prefix} is the decoder's module path ("model." in *ForCausalLM checkpoints,
     * "model.text_model." inside Idefics3); {@code tiedHead}, when not null, overrides config.json's
     * tie_word_embeddings (a multimodal checkpoint decides the head in its top-level config, not the text config).
     */
    record Llama(String prefix, Boolean tiedHead) implements WeightLayout {
        static final Llama CAUSAL_LM = new Llama("model.", null);

        public String embedding() { return prefix + "embed_tokens.weight"; }

        public String finalNorm() { return prefix + "norm"; }

        public String head(ModelConfig c) {
            boolean tied = tiedHead != null ? tiedHead : c.tiedEmbeddings();
            return tied ? null : "lm_head.weight";
        }

        public String layer(int i) { return prefix + "layers." + i; }

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
