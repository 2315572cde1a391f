package dev.whetstone.engine.torch.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The shape of a decoder model, read from a Hugging Face {@code config.json} (see {@link ConfigReader}).
 *
 * @param headDim        per-head dimension (hidden / heads unless config.json says otherwise)
 * @param maxPositions   the longest sequence the model supports
 * @param ropeTheta      RoPE base; unused for GPT-2
 * @param ropeScaling    null when unscaled
 * @param qkvBias        q/k/v projections have a bias (Qwen2, Llama attention_bias, GPT-2)
 * @param outputBias     the attention output projection has a bias (Llama attention_bias, GPT-2)
 * @param mlpBias        MLP projections have biases (Llama mlp_bias, GPT-2)
 * @param slidingWindow  keys a sliding layer's query sees (itself and the window − 1 before it), or null
 * @param eosTokenIds    end-of-sequence ids (config.json may give one or a list)
 * @param torchDtype     the dtype the checkpoint was saved in ("bfloat16", "float32", ...), or null
 * @param normForm       how RMSNorm applies its weight
 * @param qkNorm         per-head RMSNorm of q and k (over head_dim) before RoPE (Qwen3, Gemma 3)
 * @param sandwichNorms  norms on the attention and MLP outputs too, before each residual add (Gemma 2/3)
 * @param scaleEmbeddings token embeddings × √hidden, the factor rounded to the embedding dtype (Gemma)
 * @param attentionScale the factor on q·k: 1/√head_dim, or Gemma's query_pre_attn_scalar^−½
 * @param attentionSoftcap scores → cap·tanh(scores / cap) before the mask, or null (Gemma 2)
 * @param finalSoftcap   logits → cap·tanh(logits / cap), or null (Gemma 2)
 * @param layerKinds     per layer: sliding or global attention, and which rotary table it uses
 * @param localRopeTheta RoPE base of {@link LayerRope#LOCAL} layers (Gemma 3's rope_local_base_freq), unscaled
 * @param rotaryDim      leading dimensions of each head that RoPE rotates (head_dim × partial_rotary_factor, Phi-4-mini
 *                       0.75); the rest pass through unrotated
 * @param longRope       Phi-3's longrope scaling, or null
 */
public record ModelConfig(
        Architecture architecture,
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        int intermediateSize,
        int maxPositions,
        double normEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        boolean qkvBias,
        boolean outputBias,
        boolean mlpBias,
        boolean tiedEmbeddings,
        Activation activation,
        Integer slidingWindow,
        Integer bosTokenId,
        List<Integer> eosTokenIds,
        String torchDtype,
        NormForm normForm,
        boolean qkNorm,
        boolean sandwichNorms,
        boolean scaleEmbeddings,
        double attentionScale,
        Double attentionSoftcap,
        Double finalSoftcap,
        List<LayerKind> layerKinds,
        double localRopeTheta,
        int rotaryDim,
        LongRope longRope) {

    /** The MLP's non-linearity. */
    public enum Activation { SILU, GELU_TANH, GELU }

    /** RMSNorm's weight: {@code x̂·w} (Llama), or {@code x̂·(1 + w)} with the product in fp32 (Gemma). */
    public enum NormForm { STANDARD, GEMMA }

    /** Which rotary table a layer applies: rope_theta (+ rope_scaling), the local base, or none. */
    public enum LayerRope { GLOBAL, LOCAL, NONE }

    /** One layer's attention: sliding-window or global, and its rotary table. */
    public record LayerKind(boolean sliding, LayerRope rope) {
        public static final LayerKind GLOBAL = new LayerKind(false, LayerRope.GLOBAL);
    }

    public ModelConfig {
        if (numHeads % numKvHeads != 0) {
            throw new UnsupportedModelException("config.json: num_attention_heads (" + numHeads
                    + ") is not a multiple of num_key_value_heads (" + numKvHeads + ")");
        }
        eosTokenIds = List.copyOf(eosTokenIds);
        layerKinds = List.copyOf(layerKinds);
        if (layerKinds.size() != numLayers) {
            throw new UnsupportedModelException("config.json: layer_types has " + layerKinds.size()
                    + " entries but num_hidden_layers is " + numLayers);
        }
        if (rotaryDim <= 0 || rotaryDim > headDim || rotaryDim % 2 != 0) {
            throw new UnsupportedModelException("config.json: the rotary dimension " + rotaryDim + " (head_dim × "
                    + "partial_rotary_factor) must be even and within head_dim " + headDim);
        }
        if (slidingWindow == null && layerKinds.stream().anyMatch(LayerKind::sliding)) {
            throw new UnsupportedModelException("config.json: sliding-attention layers need 'sliding_window'");
        }
    }

    /** Whether any layer attends through a sliding window. */
    public boolean hasSlidingLayers() { return layerKinds.stream().anyMatch(LayerKind::sliding); }

    /** Whether the MLP is gated (gate/up/down) rather than GPT-2's fc/proj. */
    public boolean gatedMlp() { return architecture != Architecture.GPT2; }

    /** The model's config.json; for a vision-language checkpoint (Idefics3), its decoder's text_config. */
    public static ModelConfig read(Path modelDir) throws IOException { return ConfigReader.read(modelDir); }

    /** The decoder of a multimodal config.json's {@code text_config} (Llama only); {@code where} names the file. */
    public static ModelConfig readText(com.fasterxml.jackson.databind.JsonNode textConfig, String where) {
        return ConfigReader.parseText(textConfig, where);
    }

    /** Query heads per key/value head (grouped-query attention). */
    public int groupSize() { return numHeads / numKvHeads; }

    public boolean usesRope() { return architecture != Architecture.GPT2; }

    /** Parameters in the model (weights and biases), for cost and memory estimates. */
    public long parameterCount() {
        long d = hiddenSize;
        long q = (long) numHeads * headDim;
        long kv = (long) numKvHeads * headDim;
        long attn = d * q + 2 * d * kv + q * d;
        long mlp = (gatedMlp() ? 3 : 2) * d * intermediateSize;
        long layer = attn + mlp + (sandwichNorms ? 4 : 2) * d + (qkNorm ? 2L * headDim : 0);
        long embed = (long) vocabSize * d * (tiedEmbeddings ? 1 : 2);
        long positions = architecture == Architecture.GPT2 ? (long) maxPositions * d : 0;
        return numLayers * layer + embed + positions + d;
    }
}
