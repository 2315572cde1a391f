package dev.whetstone.engine.torch.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/** Builds a {@link CausalLm} from a checkpoint folder: reads, converts and shape-checks every weight. */
final class ModelLoader {
    private final ModelConfig config;
    private final SafetensorsReader reader;
    private final WeightLayout layout;
    private final LoadOptions options;
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Set<String> used = new LinkedHashSet<>();

    private ModelLoader(ModelConfig config, SafetensorsReader reader, WeightLayout layout, LoadOptions options) {
        this.config = config;
        this.reader = reader;
        this.layout = layout;
        this.options = options;
    }

    static CausalLm load(Path dir, LoadOptions options) throws IOException {
        ModelConfig config = ModelConfig.read(dir);
        if (ConfigReader.isMultimodal(dir)) {
            throw new UnsupportedModelException(dir + " is a vision-language model (" + ConfigReader.MULTIMODAL
                    + "); it loads as a whole (engine.torch.vision.VisionLm), not as a text model");
        }
        try (SafetensorsReader reader = SafetensorsReader.open(dir);
             PointerScope scope = new PointerScope()) {
            return new ModelLoader(config, reader, WeightLayout.of(config, reader.names()), options).build(dir, true);
        }
    }

    /**
     * The Llama decoder inside a multimodal checkpoint, its weights under {@code prefix} (e.g. "model.text_model.")
     * and its head "lm_head.weight" unless {@code tiedHead}. Tensors of the checkpoint outside the decoder are left
     * to the caller, which checks that every tensor was used ({@link CausalLm#parameters()} names the decoder's).
     */
    static CausalLm loadDecoder(Path dir, ModelConfig config, SafetensorsReader reader, LoadOptions options,
                                String prefix, boolean tiedHead) throws IOException {
        if (config.architecture() != Architecture.LLAMA) {
            throw new UnsupportedModelException(dir + ": text_config of a " + config.architecture()
                    + " decoder is not supported inside a multimodal checkpoint; supported: llama");
        }
        try (PointerScope scope = new PointerScope()) {
            return new ModelLoader(config, reader, new WeightLayout.Llama(prefix, tiedHead), options).build(dir, false);
        }
    }

    private CausalLm build(Path dir, boolean wholeCheckpoint) throws IOException {
        ModelConfig c = config;
        long d = c.hiddenSize();
        Tensor embedding = weight(layout.embedding(), c.vocabSize(), d);
        Tensor positions = layout instanceof WeightLayout.Gpt2 g ? weight(g.positions(), c.maxPositions(), d) : null;
        List<DecoderLayer> layers = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) layers.add(layer(i));
        Norm finalNorm = norm(layout.finalNorm());
        String headName = layout.head(c);
        Tensor head = headName == null ? embedding : weight(headName, c.vocabSize(), d);
        if (wholeCheckpoint) checkAllUsed(dir);
        return new CausalLm(c, dir, layout, options, parameters, embedding, positions, layers, finalNorm, head);
    }

    private DecoderLayer layer(int i) throws IOException {
        String p = layout.layer(i);
        ModelConfig c = config;
        ModelConfig.LayerKind kind = c.layerKinds().get(i);
        long d = c.hiddenSize();
        long qDim = (long) c.numHeads() * c.headDim();
        long kvDim = (long) c.numKvHeads() * c.headDim();
        if (config.architecture() == Architecture.GPT2) {
            Attention attn = new Attention(linear(p + ".attn.c_attn", d, qDim + 2 * kvDim, true),
                    linear(p + ".attn.c_proj", qDim, d, true), c, kind);
            Mlp mlp = new Mlp.Gelu(linear(p + ".mlp.c_fc", d, c.intermediateSize(), true),
                    linear(p + ".mlp.c_proj", c.intermediateSize(), d, true),
                    c.activation() == ModelConfig.Activation.GELU_TANH);
            return new DecoderLayer(norm(p + ".ln_1"), attn, norm(p + ".ln_2"), mlp);
        }
        if (config.architecture() == Architecture.PHI3) {
            // fused rows: q (H·hd), then k (KV·hd), then v (KV·hd); gate_up: gate (F), then up (F)
            Attention attn = new Attention(linear(p + ".self_attn.qkv_proj", d, qDim + 2 * kvDim, false),
                    linear(p + ".self_attn.o_proj", qDim, d, false), c, kind);
            Mlp mlp = new Mlp.FusedGated(linear(p + ".mlp.gate_up_proj", d, 2L * c.intermediateSize(), false),
                    linear(p + ".mlp.down_proj", c.intermediateSize(), d, false));
            return new DecoderLayer(norm(p + ".input_layernorm"), attn, norm(p + ".post_attention_layernorm"), mlp);
        }
        Attention attn = new Attention(linear(p + ".self_attn.q_proj", d, qDim, c.qkvBias()),
                linear(p + ".self_attn.k_proj", d, kvDim, c.qkvBias()),
                linear(p + ".self_attn.v_proj", d, kvDim, c.qkvBias()),
                linear(p + ".self_attn.o_proj", qDim, d, c.outputBias()), c, kind,
                c.qkNorm() ? norm(p + ".self_attn.q_norm", c.headDim()) : null,
                c.qkNorm() ? norm(p + ".self_attn.k_norm", c.headDim()) : null);
        Mlp mlp = new Mlp.Gated(linear(p + ".mlp.gate_proj", d, c.intermediateSize(), c.mlpBias()),
                linear(p + ".mlp.up_proj", d, c.intermediateSize(), c.mlpBias()),
                linear(p + ".mlp.down_proj", c.intermediateSize(), d, c.mlpBias()), c.activation());
        if (c.sandwichNorms()) {
            // Gemma: post_attention_layernorm norms the attention output, pre_feedforward_layernorm the MLP input
            return new DecoderLayer(norm(p + ".input_layernorm"), attn, norm(p + ".post_attention_layernorm"),
                    norm(p + ".pre_feedforward_layernorm"), mlp, norm(p + ".post_feedforward_layernorm"));
        }
        return new DecoderLayer(norm(p + ".input_layernorm"), attn, norm(p + ".post_attention_layernorm"), mlp);
    }

    private Linear linear(String module, long in, long out, boolean bias) throws IOException {
        return new Linear(module, weight(module + ".weight", out, in), bias ? weight(module + ".bias", out) : null,
                options.mixed() ? options.compute().scalarType() : null);
    }

    private Norm norm(String module) throws IOException {
        return norm(module, config.hiddenSize());
    }

    /** The architecture's norm over the last dimension of size {@code d}. */
    private Norm norm(String module, long d) throws IOException {
        if (config.architecture() == Architecture.GPT2) {
            return new Norm.Layer(weight(module + ".weight", d), weight(module + ".bias", d), config.normEps());
        }
        Tensor w = weight(module + ".weight", d);
        return config.normForm() == ModelConfig.NormForm.GEMMA ? new Norm.Gemma(w, config.normEps())
                : new Norm.Rms(w, config.normEps());
    }

    /** Reads one weight in the engine's layout and precision, checking its shape. */
    private Tensor weight(String name, long... shape) throws IOException {
        if (!reader.has(name)) {
            throw new UnsupportedModelException("checkpoint lacks tensor '" + name + "' that a "
                    + config.architecture() + " model with this config.json needs; is the config for these weights?");
        }
        Tensor t = reader.read(name, options.precision().dtype());
        if (layout.storedTransposed(name)) t = t.t().contiguous();
        if (!Arrays.equals(t.shape(), shape)) {
            throw new UnsupportedModelException("tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + " but config.json implies " + Arrays.toString(shape));
        }
        if (options.trainable()) t.set_requires_grad(true);
        used.add(name);
        parameters.put(name, Tensors.retain(t));
        return t;
    }

    private void checkAllUsed(Path dir) {
        List<String> unused = new ArrayList<>();
        for (String n : reader.names()) {
            boolean tiedCopy = n.equals("lm_head.weight") && config.tiedEmbeddings();
            if (!used.contains(n) && !layout.ignorable(n) && !tiedCopy) unused.add(n);
        }
        if (!unused.isEmpty()) {
            throw new UnsupportedModelException(dir + ": the checkpoint has " + unused.size() + " tensors a "
                    + config.architecture() + " model does not use, e.g. "
                    + unused.subList(0, Math.min(5, unused.size())) + "; the config.json may not match the weights");
        }
    }
}
