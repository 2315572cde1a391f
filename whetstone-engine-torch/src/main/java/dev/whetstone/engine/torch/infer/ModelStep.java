package dev.whetstone.engine.torch.infer;

import dev.whetstone.engine.torch.kernel.RowKernelChoice;
import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.HostDecoder;
import dev.whetstone.engine.torch.model.Precision;
import dev.whetstone.engine.torch.model.KvCache;
import dev.whetstone.engine.torch.model.Linear;
import dev.whetstone.engine.torch.model.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import dev.whetstone.engine.torch.data.ImageFrames;
import dev.whetstone.engine.torch.vision.VisionLm;

/**
 * The tensor side of serving one base model: prefill a prompt into a cache slot, decode one token for the running
 * slots, with per-row adapters. Logits come back as host arrays for the sampler. Scheduler thread only.
 */
final class ModelStep implements AutoCloseable {
    private final CausalLm model;
    private final VisionLm vision;
    private final KvCache cache;
    private final RowRouting routing = new RowRouting();
    private final List<Linear> linears;
    private final List<AdapterRouter> routers = new ArrayList<>();
    private boolean routed;
    /** Decode steps on the host (Llama-family blocks, where measured faster), or null. */
    private final HostDecoder host;
    /** Otherwise: up to how many rows libtorch's decode products go through the decode kernels, or null. */
    private final RowKernelChoice.Choice kernels;
    private final String decodePath;

    ModelStep(CausalLm model, int slots, int maxContext) {
        this(model, null, slots, maxContext);
    }

    /** The decode path measured at load, unless {@code -Dwhetstone.decodeKernelRows=N} fixes it (benchmarks). */
    ModelStep(CausalLm model, VisionLm vision, int slots, int maxContext) {
        this(model, vision, slots, maxContext, Integer.getInteger("whetstone.decodeKernelRows", -1));
    }

    /**
     * Chooses how decode steps run. Where {@link HostDecoder} supports the model, whole steps on the host, when
     * int8 is served (only the kernels read int8) or unless libtorch's batch-1 step is more than 10 % faster, measured at load
     * (about a second for the SmolLM2-135M shape); otherwise libtorch's step, with the decode kernels serving its
     * products up to the row count {@link CausalLm#prepareDecode} measures.
     *
     * @param vision     the vision-language model whose decoder {@code model} is, or null
     * @param kernelRows 0: libtorch alone (tests compare against it); positive: the host decoder where supported,
     *                   else the decode kernels up to that many rows; negative: measured at load
     */
    ModelStep(CausalLm model, VisionLm vision, int slots, int maxContext, int kernelRows) {
        this.model = model;
        this.vision = vision;
        model.fuseProjections();
        HostDecoder h = kernelRows == 0 ? null : HostDecoder.create(model, slots, maxContext);
        String rejected = "";
        if (h != null && kernelRows < 0) {
            if (model.options().precision() != Precision.INT8 && !h.beatsLibtorch(model)) {
                rejected = " (not " + h.describe() + ")";
                h = null;
            } else {
                h.measureBatchProducts(slots);
            }
        }
        this.host = h;
        this.kernels = host != null ? null : kernelRows < 0 ? model.prepareDecode() : model.prepareDecode(kernelRows);
        this.decodePath = host != null ? host.describe()
                : (kernels != null && kernels.maxRows() > 0 ? kernels.describe()
                : "libtorch" + (kernels != null && kernels.rows().length > 0 ? "; " + kernels.describe() : ""))
                + rejected;
        this.cache = new KvCache(model.config(), model.computeType(), slots, Math.min(256, maxContext), maxContext);
        this.linears = model.linears();
        for (Linear l : linears) routers.add(new AdapterRouter(l.name(), routing));
    }

    CausalLm model() { return model; }

    /** Host decode steps send products of at least {@code rows} rows through libtorch's GEMM (tests). */
    void productsThroughLibtorchFrom(int rows) {
        if (host == null) throw new IllegalStateException("no host decode steps: " + decodePath);
        host.productsThroughLibtorchFrom(rows);
    }

    /** What serves decode steps on this machine, and the measurement it was chosen on. */
    String decodePath() { return decodePath; }

    /** Bytes of weights a decode step reads through the host decoder or the decode kernels (0: libtorch's). */
    long decodeWeightBytes() { return host != null ? host.weightBytes() : model.decodeWeightBytes(); }

    int vocabSize() { return model.config().vocabSize(); }

    /** Runs a text prompt into {@code slot}; returns the logits (V) of its last position, fp32. */
    float[] prefill(int[] prompt, int slot, LoraWeights adapter) { return prefill(prompt, slot, adapter, null); }

    /**
     * Runs {@code prompt} into {@code slot}; returns the logits (V) of its last position, fp32. With images, their
     * features (encoder and connector, no adapter) replace the embeddings of the prompt's image tokens.
     */
    float[] prefill(int[] prompt, int slot, LoraWeights adapter, ImageFrames images) {
        try (PointerScope scope = new PointerScope()) {
            long[] ids = new long[prompt.length];
            for (int i = 0; i < ids.length; i++) ids[i] = prompt[i];
            Tensor input = Tensors.longs(ids, 1, ids.length);
            Tensor embeds = null;
            if (images != null) {
                if (vision == null) throw new IllegalStateException("images for a model without vision");
                Tensor pixels = Tensors.floats(images.pixels(), images.count(), 3, images.size(), images.size());
                embeds = vision.embed(input, vision.imageFeatures(pixels));
            }
            route(new LoraWeights[] {adapter});
            Tensor h = embeds == null ? model.hiddenCached(input, new long[] {0}, cache, slot)
                    : model.hiddenCachedFromEmbeddings(embeds, new long[] {0}, cache, slot);
            if (host != null) host.importSlot(cache, slot, prompt.length);
            return Tensors.toFloats(model.logits(h.select(1, prompt.length - 1)));
        } finally {
            unroute();
        }
    }

    /**
     * One decode step for slots 0 … n−1: row i feeds {@code tokens[i]} at position {@code positions[i]}.
     *
     * @return the logits, row after row (n · V floats)
     */
    float[] decode(int[] tokens, long[] positions, LoraWeights[] adapters) {
        try (PointerScope scope = new PointerScope()) {
            route(adapters);
            if (host != null) return host.step(tokens, positions);
            long[] ids = new long[tokens.length];
            for (int i = 0; i < ids.length; i++) ids[i] = tokens[i];
            Tensor h = model.hiddenCached(Tensors.longs(ids, ids.length, 1), positions, cache, 0);
            return Tensors.toFloats(model.logits(h.select(1, 0)));
        } finally {
            unroute();
        }
    }

    /**
     * Rewrites {@code slot}'s cache for the sequence's first {@code tokens.length} tokens, rotated as a sequence of
     * {@code ropeLength} tokens: for Phi-3's longrope, whose factors change once a sequence outgrows the
     * pre-training context, the point where transformers recomputes the whole sequence (see
     * {@link CausalLm#ropeSwitchesAt}). The next decode step then feeds the token at position tokens.length.
     */
    void rebuild(int[] tokens, int slot, LoraWeights adapter, long ropeLength) {
        try (PointerScope scope = new PointerScope()) {
            route(new LoraWeights[] {adapter});
            long[] ids = new long[tokens.length];
            for (int i = 0; i < ids.length; i++) ids[i] = tokens[i];
            model.hiddenCached(Tensors.longs(ids, 1, ids.length), new long[] {0}, cache, slot,
                    new long[] {ropeLength});
            if (host != null) host.importSlot(cache, slot, tokens.length);
        } finally {
            unroute();
        }
    }

    /** Keeps running sequences in slots 0 … n−1: the last one moves into a freed slot. */
    void moveSlot(int from, int to) {
        cache.moveSlot(from, to);
        if (host != null) host.moveSlot(from, to);
    }

    /** Adapters are hooked into the base only for a pass that has adapter rows: the bare base runs as trained. */
    private void route(LoraWeights[] perRow) {
        routing.route(perRow, model.computeType());
        if (!routing.any()) return;
        for (int i = 0; i < linears.size(); i++) linears.get(i).setAdapter(routers.get(i));
        routed = true;
    }

    private void unroute() {
        routing.clear();
        if (!routed) return;
        for (Linear l : linears) l.setAdapter(null);
        routed = false;
    }

    @Override
    public void close() {
        routers.forEach(AdapterRouter::release);
        cache.close();
        model.close();
        if (vision != null) vision.close();
    }
}
