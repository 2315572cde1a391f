package dev.whetstone.engine.torch.vision;

import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.Linear;
import dev.whetstone.engine.torch.model.LoadOptions;
import dev.whetstone.engine.torch.model.SafetensorsReader;
import dev.whetstone.engine.torch.model.Tensors;
import dev.whetstone.engine.torch.model.UnsupportedModelException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Idefics3ForConditionalGeneration (SmolVLM): a SigLIP {@link VisionEncoder}, the pixel-shuffle {@link Connector}
 * and the engine's Llama decoder ({@link CausalLm}, weights under {@code model.text_model.}, head
 * {@code lm_head.weight}). The decoder does not know images: {@link #embed} replaces the embeddings at the
 * {@code <image>} tokens with the image features, in order, and the decoder runs from those input embeddings.
 *
 * <p>Weights live until {@link #close()}; tensors returned belong to the caller's {@link PointerScope}.
 */
public final class VisionLm implements AutoCloseable {
    private final Idefics3Config config;
    private final VisionEncoder encoder;
    private final Connector connector;
    private final CausalLm text;
    private final Map<String, Tensor> visionParameters;
    private boolean closed;

    private VisionLm(Idefics3Config config, VisionEncoder encoder, Connector connector, CausalLm text,
                     Map<String, Tensor> visionParameters) {
        this.config = config;
        this.encoder = encoder;
        this.connector = connector;
        this.text = text;
        this.visionParameters = Collections.unmodifiableMap(visionParameters);
    }

    /**
     * Loads config.json and the safetensors weights of an Idefics3 checkpoint folder; every tensor must be used.
     *
     * @param options         the decoder's precision and trainability; the encoder and connector share the precision
     * @param trainConnector  the connector's weights require grad (full fine-tuning)
     * @param trainEncoder    the vision encoder's weights require grad (full fine-tuning with the encoder unfrozen)
     */
    public static VisionLm load(Path dir, LoadOptions options, boolean trainConnector, boolean trainEncoder)
            throws IOException {
        Idefics3Config config = Idefics3Config.read(dir);
        Map<String, Tensor> vision = new LinkedHashMap<>();
        try (SafetensorsReader reader = SafetensorsReader.open(dir);
             PointerScope scope = new PointerScope()) {
            var type = options.precision().scalarType();
            VisionWeights encoderWeights = new VisionWeights(reader, type, trainEncoder);
            VisionWeights connectorWeights = new VisionWeights(reader, type, trainConnector);
            CausalLm text = null;
            try {
                VisionEncoder encoder = new VisionEncoder(encoderWeights, config.vision());
                Connector connector = new Connector(connectorWeights, config);
                vision.putAll(encoderWeights.read());
                vision.putAll(connectorWeights.read());
                text = CausalLm.loadDecoder(dir, config.text(), reader, options, "model.text_model.",
                        config.tiedHead());
                checkAllUsed(dir, config, reader, vision, text);
                return new VisionLm(config, encoder, connector, text, vision);
            } catch (IOException | RuntimeException e) {
                encoderWeights.read().values().forEach(Tensor::releaseReference);
                connectorWeights.read().values().forEach(Tensor::releaseReference);
                if (text != null) text.close();
                throw e;
            }
        }
    }

    /** Frozen weights (LoRA training, inference), nothing of the vision side trainable. */
    public static VisionLm load(Path dir, LoadOptions options) throws IOException {
        return load(dir, options, false, false);
    }

    private static void checkAllUsed(Path dir, Idefics3Config config, SafetensorsReader reader,
                                     Map<String, Tensor> vision, CausalLm text) {
        List<String> unused = new ArrayList<>();
        for (String n : reader.names()) {
            // a tied head's lm_head.weight copy is not read: the embedding matrix is the head
            boolean known = vision.containsKey(n) || text.parameters().containsKey(n)
                    || n.endsWith("rotary_emb.inv_freq") || (n.equals("lm_head.weight") && config.tiedHead());
            if (!known) unused.add(n);
        }
        if (!unused.isEmpty()) {
            throw new UnsupportedModelException(dir + ": the checkpoint has " + unused.size() + " tensors an "
                    + Idefics3Config.ARCHITECTURE + " model does not use, e.g. "
                    + unused.subList(0, Math.min(5, unused.size())) + "; the config.json may not match the weights");
        }
    }

    public Idefics3Config config() { return config; }

    /** The language model; its {@link CausalLm#linears()} are the LoRA targets of the decoder. */
    public CausalLm text() { return text; }

    /** The connector's projection (an optional LoRA target). */
    public Linear connectorProjection() { return connector.projection(); }

    /** The vision encoder's projections, in layer order. */
    public List<Linear> encoderLinears() { return encoder.linears(); }

    /** The vision encoder's and connector's weights by checkpoint name (the decoder's: {@code text().parameters()}). */
    public Map<String, Tensor> visionParameters() { return visionParameters; }

    /** Every weight by its checkpoint name. */
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> all = new LinkedHashMap<>(visionParameters);
        all.putAll(text.parameters());
        return all;
    }

    /**
     * Image features for the decoder: frames (N, 3, S, S) of normalised pixels → (N, image_seq_len, D_text) in the
     * decoder's compute dtype (encoder, then connector).
     */
    public Tensor imageFeatures(Tensor pixels) {
        Tensor x = pixels.to(text.computeType());
        return connector.forward(encoder.forward(x));
    }

    /**
     * The decoder's input embeddings (B, T, D): token embeddings with the rows at {@code <image>} tokens replaced, in
     * row-major order, by the rows of {@code features} (N, L, D) — Idefics3Model.inputs_merger.
     *
     * @param features null when the batch has no images
     * @throws IllegalArgumentException when the number of image tokens differs from N·L
     */
    public Tensor embed(Tensor inputIds, Tensor features) {
        Tensor e = text.embedTokens(inputIds);
        Tensor isImage = inputIds.eq(Tensors.scalar(config.imageTokenId()));
        long tokens = (long) Tensors.item(isImage.sum());
        long rows = features == null ? 0 : features.size(0) * features.size(1);
        if (tokens != rows) {
            throw new IllegalArgumentException("the input has " + tokens + " image tokens (id "
                    + config.imageTokenId() + ") but the images give " + rows + " feature rows"
                    + (features == null ? "" : " (" + features.size(0) + " frames × " + features.size(1) + ")"));
        }
        if (rows == 0) return e;
        long b = e.size(0);
        long t = e.size(1);
        long d = e.size(2);
        Tensor at = isImage.reshape(-1).nonzero().reshape(-1);
        return e.reshape(b * t, d).index_copy(0, at, features.reshape(rows, d).to(Tensors.type(e))).view(b, t, d);
    }

    /** Final-normed hidden states (B, T, D) of token ids with images spliced in; see {@link CausalLm#hidden}. */
    public Tensor hidden(Tensor inputIds, Tensor features, Tensor positions, Tensor keyValid, Tensor segmentIds) {
        return text.hiddenFromEmbeddings(embed(inputIds, features), positions, keyValid, segmentIds);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (Tensor t : visionParameters.values()) t.releaseReference();
        text.close();
    }
}
