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
 * @param slidingWindow  Mistral's window, or null; sequences longer than it are refused
 * @param eosTokenIds    end-of-sequence ids (config.json may give one or a list)
 * @param torchDtype     the dtype the checkpoint was saved in ("bfloat16", "float32", ...), or null
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
        String torchDtype) {

    /** The MLP's non-linearity. */
    public enum Activation { SILU, GELU_TANH, GELU }

    public ModelConfig {
        if (numHeads % numKvHeads != 0) {
            throw new UnsupportedModelException("config.json: num_attention_heads (" + numHeads
                    + ") is not a multiple of num_key_value_heads (" + numKvHeads + ")");
        }
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    public static ModelConfig read(Path modelDir) throws IOException { return ConfigReader.read(modelDir); }

    /** Query heads per key/value head (grouped-query attention). */
    public int groupSize() { return numHeads / numKvHeads; }

    public boolean usesRope() { return architecture != Architecture.GPT2; }

    /** Parameters in the model (weights and biases), for cost and memory estimates. */
    public long parameterCount() {
        long d = hiddenSize;
        long q = (long) numHeads * headDim;
        long kv = (long) numKvHeads * headDim;
        long attn = d * q + 2 * d * kv + q * d;
        long mlp = (architecture == Architecture.GPT2 ? 2 : 3) * d * intermediateSize;
        long layer = attn + mlp + 2 * d;
        long embed = (long) vocabSize * d * (tiedEmbeddings ? 1 : 2);
        long positions = architecture == Architecture.GPT2 ? (long) maxPositions * d : 0;
        return numLayers * layer + embed + positions + d;
    }
}
