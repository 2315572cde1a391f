package dev.whetstone.engine.torch.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import dev.whetstone.engine.torch.kernel.RowKernelChoice;
import dev.whetstone.engine.torch.kernel.RowProducts;
import dev.whetstone.engine.torch.kernel.RowWeights;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A decoder-only language model (Llama, Mistral, Qwen2/3, SmolLM3, Gemma 2/3, Phi-3, GPT-2) on libtorch tensors,
 * loaded from a Hugging Face folder.
 *
 * <p>Weights live until {@link #close()}; tensors returned by the forward methods belong to the caller's
 * {@link org.bytedeco.javacpp.PointerScope}.
 */
public final class CausalLm implements AutoCloseable {
    /** Additive mask value: finite so fully masked rows stay finite (bf16 holds it too); exp(-1e9) is exactly 0. */
    private static final double MASKED = -1e9;

    private final ModelConfig config;
    private final Path sourceDir;
    private final WeightLayout layout;
    private final LoadOptions options;
    private final Map<String, Tensor> parameters;
    private final Tensor embedding;
    private final Tensor positionEmbedding;
    private final List<DecoderLayer> layers;
    private final Norm finalNorm;
    private final Tensor head;
    private final Rope rope;
    private final Rope localRope;
    private final double embeddingScale;
    private boolean closed;
    private RowWeights headRows;
    private int headMaxRows;

    CausalLm(ModelConfig config, Path sourceDir, WeightLayout layout, LoadOptions options,
             Map<String, Tensor> parameters, Tensor embedding, Tensor positionEmbedding, List<DecoderLayer> layers,
             Norm finalNorm, Tensor head) {
        this.config = config;
        this.sourceDir = sourceDir;
        this.layout = layout;
        this.options = options;
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        this.embedding = embedding;
        this.positionEmbedding = positionEmbedding;
        this.layers = List.copyOf(layers);
        this.finalNorm = finalNorm;
        this.head = head;
        this.rope = config.usesRope() ? new Rope(config) : null;
        boolean local = config.layerKinds().stream().anyMatch(k -> k.rope() == ModelConfig.LayerRope.LOCAL);
        this.localRope = local ? new Rope(config.headDim(), config.localRopeTheta(), null) : null;
        this.embeddingScale = config.scaleEmbeddings() ? roundedTo(Math.sqrt(config.hiddenSize()), computeType()) : 1;
    }

    /** v as the dtype holds it: Gemma multiplies by √hidden as a tensor of the embedding dtype. */
    private static double roundedTo(double v, ScalarType type) {
        try (PointerScope scope = new PointerScope()) {
            return Tensors.item(Tensors.doubles(new double[] {v}, 1).to(type).to(ScalarType.Double));
        }
    }

    /** Loads config.json and the safetensors weights of a Hugging Face model folder. */
    public static CausalLm load(Path dir, LoadOptions options) throws IOException {
        return ModelLoader.load(dir, options);
    }

    /**
     * The Llama decoder of a multimodal checkpoint: weights under {@code prefix} (Idefics3: "model.text_model."),
     * head "lm_head.weight" unless {@code tiedHead}. The caller checks that the checkpoint has no unused tensors.
     */
    public static CausalLm loadDecoder(Path dir, ModelConfig config, SafetensorsReader reader, LoadOptions options,
                                       String prefix, boolean tiedHead) throws IOException {
        return ModelLoader.loadDecoder(dir, config, reader, options, prefix, tiedHead);
    }

    public ModelConfig config() { return config; }

    /** The folder the weights came from (tokenizer files are copied from it when saving). */
    public Path sourceDir() { return sourceDir; }

    public LoadOptions options() { return options; }

    /** The dtype activations are computed in: that of the weights, or bf16 over fp32 weights (mixed precision). */
    public ScalarType computeType() { return options.compute().scalarType(); }

    /** Every weight by its Hugging Face name, in the engine's layout ((out, in) for all linear weights). */
    public Map<String, Tensor> parameters() { return parameters; }

    /** The output projection (V, D); the embedding matrix itself when tied. */
    public Tensor headWeight() { return head; }

    public boolean storedTransposed(String name) { return layout.storedTransposed(name); }

    /** The token embedding matrix (V, D). */
    Tensor embeddingTable() { return embedding; }

    /** Whether token embeddings are scaled or learned positions added to them (Gemma, GPT-2). */
    boolean embeddingsTransformed() { return embeddingScale != 1 || positionEmbedding != null; }

    List<DecoderLayer> layers() { return layers; }

    Norm finalNorm() { return finalNorm; }

    /** The rotary table of {@link ModelConfig.LayerRope#GLOBAL} layers, or null (GPT-2). */
    Rope rope() { return rope; }

    /** Every linear projection of every layer, in layer order. */
    public List<Linear> linears() {
        List<Linear> out = new ArrayList<>();
        for (DecoderLayer l : layers) out.addAll(l.linears());
        return out;
    }

    /**
     * Stacks each layer's q/k/v and gate/up weights into one product (inference only: the parts' weights become
     * views of the stacked ones, so the memory is not doubled); adapters attached to the parts still apply.
     */
    public synchronized void fuseProjections() {
        if (closed) return;
        try (NoGrad g = NoGrad.enter()) {
            for (DecoderLayer l : layers) l.fuseProjections();
        }
    }

    /**
     * Prepares decode steps (serving): stacks the projections, gives every projection a decode step runs and the
     * head a copy of its weight for the decode kernels in the served format — for {@link Precision#INT8}, int8
     * with per-row scales, whose dequantised values replace the weights libtorch's prefill products read — and
     * measures up to how many rows those kernels beat libtorch on this machine.
     *
     * @return the measured choice, or null when the kernels are not available here (libtorch serves everything)
     */
    public synchronized RowKernelChoice.Choice prepareDecode() {
        // benchmarks: -Dwhetstone.decodeKernelRows=N fixes the row count instead of measuring it
        return prepareDecode(Integer.getInteger("whetstone.decodeKernelRows", -1));
    }

    /**
     * As {@link #prepareDecode()}, with the kernels' row count fixed instead of measured (tests, benchmarks).
     *
     * @param maxRows the most input rows the kernels serve; 0: none (libtorch serves all, as without the
     *                kernels; int8 weights are still quantised); negative: measured
     */
    public synchronized RowKernelChoice.Choice prepareDecode(int maxRows) {
        fuseProjections();
        if (closed || !RowProducts.available() || computeType() == ScalarType.Double) {
            if (options.precision() == Precision.INT8) {
                throw new UnsupportedModelException("int8 serving needs the decode kernels: start java with "
                        + "--add-modules jdk.incubator.vector on a CPU with 256-bit vectors (AVX2 or wider)");
            }
            return null;
        }
        boolean int8 = options.precision() == Precision.INT8;
        if (maxRows == 0 && !int8) return RowKernelChoice.Choice.always(0);
        try {
            return copyForDecode(maxRows, int8);
        } catch (OutOfMemoryError e) {
            // the heap copies did not fit the JVM's heap (-Xmx): serve through libtorch, as without the kernels
            headRows = null;
            for (DecoderLayer l : layers) l.decodeLinears().forEach(x -> x.serveRows(null, 0));
            if (int8) {
                throw new UnsupportedModelException("int8 serving needs the decode kernels' copy of the weights"
                        + " (one byte per parameter) in the Java heap, which is full; raise -Xmx (WHETSTONE_JAVA_OPTS)");
            }
            return RowKernelChoice.Choice.always(0);
        }
    }

    private RowKernelChoice.Choice copyForDecode(int maxRows, boolean int8) {
        try (NoGrad g = NoGrad.enter(); PointerScope scope = new PointerScope()) {
            List<Linear> linears = new ArrayList<>();
            for (DecoderLayer l : layers) linears.addAll(l.decodeLinears());
            // The choice is measured on the largest weight alone (the first of equal sizes), so the other copies
            // (the model's size again, in the served format) are made only when the kernels will read them.
            Linear largest = linears.get(0);
            for (Linear l : linears) if (l.weight().numel() > largest.weight().numel()) largest = l;
            RowWeights largestCopy = decodeCopy(largest.weight(), int8);
            RowKernelChoice.Choice choice = maxRows >= 0 ? RowKernelChoice.Choice.always(maxRows)
                    : RowKernelChoice.measure(largestCopy, largest.weight());
            if (choice.maxRows() == 0 && !int8) return choice; // libtorch won at every row count: no copies
            for (Linear l : linears) {
                l.serveRows(l == largest ? largestCopy : decodeCopy(l.weight(), int8), choice.maxRows());
            }
            headRows = decodeCopy(head, int8);
            headMaxRows = choice.maxRows();
            return choice;
        }
    }

    /** The decode kernels' copy of {@code weight}: int8 quantises it in place (prefill then reads the same values). */
    static RowWeights decodeCopy(Tensor weight, boolean int8) {
        return int8 ? RowProducts.quantizeInPlace(weight) : RowProducts.copyOf(weight);
    }

    /** Bytes of weights one decode step reads through the decode kernels (0 when they are not prepared). */
    public synchronized long decodeWeightBytes() {
        if (headRows == null) return 0;
        long bytes = headRows.bytes();
        for (DecoderLayer l : layers) {
            for (Linear x : l.decodeLinears()) bytes += x.rowWeights() == null ? 0 : x.rowWeights().bytes();
        }
        return bytes;
    }

    /**
     * The final-normed hidden states.
     *
     * @param inputIds  (B, T) int64 token ids
     * @param positions (B, T) int64 positions, or null for 0..T-1
     * @param keyValid  (B, T) bool, false at padding tokens no query may attend to; or null when padding is only
     *                  on the right (causality already hides it from every real token)
     * @return (B, T, D) in {@link #computeType()}
     */
    public Tensor hidden(Tensor inputIds, Tensor positions, Tensor keyValid) {
        return hidden(inputIds, positions, keyValid, null);
    }

    /**
     * The final-normed hidden states of packed rows: several sequences per row, each attending only to earlier
     * tokens of its own segment (a block-diagonal causal mask), with positions restarting per sequence.
     *
     * @param segmentIds (B, T) int64, equal within one sequence of a row, or null for one sequence per row
     */
    public Tensor hidden(Tensor inputIds, Tensor positions, Tensor keyValid, Tensor segmentIds) {
        Tensor pos = positionsOrDefault(positions, inputIds.size(0), inputIds.size(1));
        // 1. token embeddings (B, T, D)
        return blocks(embed(inputIds, pos), pos, keyValid, segmentIds);
    }

    /**
     * Token embeddings (B, T, D) of a decoder without learned positions, for callers that replace some rows before
     * the blocks (a vision-language model splices image features in at its image tokens).
     */
    public Tensor embedTokens(Tensor inputIds) {
        requireNoLearnedPositions();
        return embed(inputIds, null);
    }

    /**
     * {@link #hidden(Tensor, Tensor, Tensor, Tensor)} from input embeddings (B, T, D) instead of token ids:
     * Hugging Face's {@code inputs_embeds} path.
     */
    public Tensor hiddenFromEmbeddings(Tensor embeds, Tensor positions, Tensor keyValid, Tensor segmentIds) {
        requireNoLearnedPositions();
        return blocks(embeds, positionsOrDefault(positions, embeds.size(0), embeds.size(1)), keyValid, segmentIds);
    }

    private void requireNoLearnedPositions() {
        if (positionEmbedding != null) {
            throw new UnsupportedModelException(config.architecture() + " adds learned position embeddings to the"
                    + " token embeddings; input embeddings are supported for rotary-position decoders only");
        }
    }

    private Tensor positionsOrDefault(Tensor positions, long b, long t) {
        checkLength(t);
        return positions != null ? positions
                : torch.arange(Tensors.scalar(t), Tensors.options(ScalarType.Long)).unsqueeze(0).expand(b, t);
    }

    /** Steps 2–3 of the forward pass, from the embeddings h (B, T, D). */
    private Tensor blocks(Tensor h, Tensor pos, Tensor keyValid, Tensor segmentIds) {
        long t = h.size(1);
        // 2. shared per-pass inputs: rotary tables (B, T, hd) and the additive masks (B|1, 1, G·T, T).
        ScalarType dt = computeType();
        Tensor mask = mask(t, keyValid, segmentIds);
        Tensor slidingMask = !config.hasSlidingLayers() ? null
                : t > config.slidingWindow() ? mask.add(windowMask(pos)) : mask;
        ForwardContext ctx = new ForwardContext(rope == null ? null : rope.tables(pos, dt, null), mask,
                localRope == null ? null : localRope.tables(pos, dt, null), slidingMask);
        // 3. the blocks, then the final norm.
        for (DecoderLayer layer : layers) h = layer.forward(h, ctx);
        return finalNorm.forward(h);
    }

    /**
     * The final-normed hidden states of new tokens, attending through {@code cache} (inference: prefill a prompt, or
     * one decode step for a batch of sequences of different lengths). Each row's new keys and values are written
     * into its slot first.
     *
     * @param inputIds  (B, T) int64 new tokens; every row has T of them
     * @param start     per row, the position of its first new token (= tokens of it already in the cache)
     * @param firstSlot the rows use cache slots firstSlot … firstSlot + B − 1
     * @return (B, T, D) in {@link #computeType()}
     */
    public Tensor hiddenCached(Tensor inputIds, long[] start, KvCache cache, int firstSlot) {
        return hiddenCached(inputIds, start, cache, firstSlot, null);
    }

    /**
     * Like {@link #hiddenCached(Tensor, long[], KvCache, int)}, rotating as if each row's sequence had
     * {@code ropeLengths[b]} tokens (longrope's choice of factors); null for start + T. Rebuilding a cache for a
     * sequence that has just passed longrope's switch (see {@link #ropeSwitchesAt}) runs its earlier tokens with
     * the length it now has.
     */
    public Tensor hiddenCached(Tensor inputIds, long[] start, KvCache cache, int firstSlot, long[] ropeLengths) {
        Tensor pos = CachedPass.positions(start, (int) inputIds.size(1));               // (B, T)
        // 1. token embeddings (B, T, D)
        return blocksCached(embed(inputIds, pos), pos, start, cache, firstSlot, ropeLengths);
    }

    /** {@link #hiddenCached} from input embeddings (B, T, D) instead of token ids (a prompt with images). */
    public Tensor hiddenCachedFromEmbeddings(Tensor embeds, long[] start, KvCache cache, int firstSlot) {
        requireNoLearnedPositions();
        return blocksCached(embeds, CachedPass.positions(start, (int) embeds.size(1)), start, cache, firstSlot, null);
    }

    private Tensor blocksCached(Tensor h, Tensor pos, long[] start, KvCache cache, int firstSlot, long[] ropeLengths) {
        long b = h.size(0);
        int t = (int) h.size(1);
        long longest = 0;
        for (long s : start) longest = Math.max(longest, s + t);
        checkLength(longest);
        cache.ensureCapacity((int) longest);
        // 2. shared per-pass inputs: rotary tables, the masks over the cached keys (none for one row's one new token:
        //    it sees every key, unless a sliding window hides the oldest), the cache write index.
        ScalarType dt = computeType();
        Tensor mask = b == 1 && t == 1 ? null
                : CachedPass.mask(pos, (int) longest, config.groupSize(), dt, MASKED, null);
        Tensor slidingMask = !config.hasSlidingLayers() ? null
                : longest > config.slidingWindow()
                        ? CachedPass.mask(pos, (int) longest, config.groupSize(), dt, MASKED, config.slidingWindow())
                        : mask;
        // without ropeLengths, each row's length is its largest position + 1 = start + T
        CachedPass pass = new CachedPass(rope == null ? null : rope.tables(pos, dt, ropeLengths), mask,
                CachedPass.writeIndex(start, t, firstSlot, cache), cache, firstSlot, (int) longest,
                localRope == null ? null : localRope.tables(pos, dt, null), slidingMask);
        // 3. the blocks, then the final norm.
        for (int i = 0; i < layers.size(); i++) h = layers.get(i).forwardCached(h, pass, i);
        return finalNorm.forward(h);
    }

    /**
     * Whether feeding a token at {@code position} takes its sequence past longrope's pre-training context for the
     * first time (Phi-3). transformers then drops the cache and recomputes the whole sequence with the long factors
     * (Phi3ForCausalLM.prepare_inputs_for_generation); a cached decoder must rebuild the sequence's cache with
     * {@code ropeLengths} = position + 1 before feeding the token, or its earlier keys keep the short factors.
     */
    public boolean ropeSwitchesAt(long position) { return rope != null && rope.switchesAt(position); }

    /** Logits (…, V) for hidden states (…, D), in fp32 (fp64 for an fp64 model); soft-capped where configured. */
    public Tensor logits(Tensor hidden) {
        Tensor logits;
        long rows = hidden.numel() / head.size(1);
        if (headRows != null && rows <= headMaxRows && !hidden.requires_grad()) {
            // decode steps: the decode kernels read the (V, D) head once for all rows
            long[] shape = hidden.shape();
            shape[shape.length - 1] = head.size(0);
            logits = RowProducts.tensor(RowProducts.multiply(headRows, RowProducts.read(hidden), (int) rows), shape,
                    accumulationType());
        } else if (hidden.numel() == head.size(1) && Tensors.type(head) == ScalarType.Float) {
            // one row (batch-1 decoding): mv reads the (V, D) head at the memory's rate, linear's GEMM at a fifth
            long[] shape = hidden.shape();
            shape[shape.length - 1] = head.size(0);
            logits = head.mv(hidden.reshape(-1)).view(shape);
        } else {
            logits = torch.linear(hidden, head.to(Tensors.type(hidden))).to(accumulationType());
        }
        Double cap = config.finalSoftcap();
        return cap == null ? logits : logits.div(Tensors.scalar(cap)).tanh().mul(Tensors.scalar(cap));
    }

    /** Token embeddings (B, T, D): Gemma scales them by √hidden; GPT-2 adds learned position embeddings. */
    private Tensor embed(Tensor inputIds, Tensor pos) {
        Tensor h = torch.embedding(embedding, inputIds);
        if (options.mixed()) h = h.to(computeType());                   // only the looked-up rows are cast
        if (embeddingScale != 1) h = h.mul(Tensors.scalar(embeddingScale));
        if (positionEmbedding != null) {                                                   // pos null: none
            h = h.add(torch.embedding(positionEmbedding, pos).to(Tensors.type(h)));
        }
        return h;
    }

    /**
     * (B, 1, G·T, T) additive: key j hidden from query i when pos_i − pos_j ≥ sliding_window (Hugging Face's
     * sliding_window_overlay, kv_idx > q_idx − window). Positions, not indices, so packed segments and left padding
     * count from their own starts; keys of other segments and later keys are hidden by the causal mask anyway.
     */
    private Tensor windowMask(Tensor pos) {
        long b = pos.size(0);
        long t = pos.size(1);
        int g = config.groupSize();
        Tensor far = pos.unsqueeze(2).sub(pos.unsqueeze(1)).ge(Tensors.scalar(config.slidingWindow()));
        return far.to(computeType()).mul(Tensors.scalar(MASKED)).unsqueeze(1).repeat(1, g, 1, 1).view(b, 1, g * t, t);
    }

    /** The dtype for softmax, losses and masks: fp32, or fp64 when the model computes in fp64. */
    ScalarType accumulationType() {
        return computeType() == ScalarType.Double ? ScalarType.Double : ScalarType.Float;
    }

    /**
     * Causal mask repeated for the G query heads of a key/value group, plus padding keys, plus (packed rows) keys of
     * other segments; in the compute dtype. (B|1, 1, G·T, T): a packed batch pays B·G·T² mask elements.
     */
    private Tensor mask(long t, Tensor keyValid, Tensor segmentIds) {
        ScalarType st = computeType();
        int g = config.groupSize();
        Tensor causal = torch.full(new long[] {t, t}, Tensors.scalar(MASKED), Tensors.options(st)).triu(1)
                .repeat(g, 1).view(1, 1, g * t, t);
        if (segmentIds != null) {
            long b = segmentIds.size(0);
            // (B, T, T): query i and key j in different segments; then repeated over the G heads like the causal part
            Tensor other = segmentIds.unsqueeze(2).ne(segmentIds.unsqueeze(1)).to(st).mul(Tensors.scalar(MASKED));
            causal = causal.add(other.unsqueeze(1).repeat(1, g, 1, 1).view(b, 1, g * t, t));
        }
        if (keyValid == null) return causal;
        Tensor pad = keyValid.logical_not().to(st).mul(Tensors.scalar(MASKED)).view(keyValid.size(0), 1, 1, t);
        return causal.add(pad);
    }

    private void checkLength(long t) {
        if (t > config.maxPositions()) {
            throw new IllegalArgumentException("sequence of " + t + " tokens exceeds the model's context of "
                    + config.maxPositions() + " (max_position_embeddings); truncate the input");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (DecoderLayer l : layers) l.releaseFused();
        for (Tensor t : parameters.values()) t.releaseReference();
    }
}
