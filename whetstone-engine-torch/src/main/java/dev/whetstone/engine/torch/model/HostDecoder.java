package dev.whetstone.engine.torch.model;

import dev.whetstone.engine.torch.kernel.HostOps;
import dev.whetstone.engine.torch.kernel.RowKernelChoice;
import dev.whetstone.engine.torch.kernel.RowProducts;
import dev.whetstone.engine.torch.kernel.RowWeights;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Decode steps computed entirely on the host, in Java arrays: embeddings, RMSNorm, the projections (the decode
 * kernels over the served weight format: fp32, bf16 or int8), rotary positions, softmax attention over a host copy
 * of the KV cache, SwiGLU and the output head, with per-row LoRA. For the Llama family of blocks (Llama, Mistral,
 * Qwen2, Qwen3, SmolLM3; see {@link #unsupportedReason}).
 *
 * <p>Why: a libtorch decode step of a small model is a few hundred native calls of microseconds each (about 15
 * per layer, plus reading each projection's input out of its tensor and writing its output into one), which cost
 * more than reading the weights: at batch 1 on the SmolLM2-135M shape the int8 step read 135 MB in about 5 ms of
 * memory time but took 20 ms (docs/BENCHMARKS.md, "Decode kernels"). Here a step is ~5 parallel loops per layer
 * and nothing else.
 *
 * <p>Arithmetic: activations are fp32 throughout (as llama.cpp computes); weights in their served format; keys
 * and values are cached as the libtorch cache holds them ({@link HostKvCache}), so a sequence prefilled by libtorch
 * continues here on the same numbers. libtorch's bf16 path rounds every intermediate activation to bf16 instead,
 * so the two differ by bf16 rounding (a test bounds it). Prefill runs through libtorch and {@link #importSlot}
 * copies its keys and values into the host cache. Used by the serving scheduler's thread only.
 */
public final class HostDecoder {
    /** A base projection's part whose adapter (serving's per-row LoRA, when routed) adds into columns offset…. */
    private record Part(Linear linear, int offset) {}

    /**
     * Rows of one or more projections of the same input, stacked: one product per layer for q/k/v, one for
     * gate/up. {@code torch}: the model's libtorch weight that holds these rows (the stacked tensor inference
     * fuses; for int8 the dequantised bf16 values), for batches large enough that libtorch's GEMM wins.
     */
    private record Product(RowWeights w, float[] bias, Part[] parts, Tensor torch) {
        int out() { return w.rows(); }
    }

    private record Layer(float[] attentionNorm, float[] qNorm, float[] kNorm, Product qkv, Product o,
                         float[] mlpNorm, Product gateUp, Product down, boolean rope, boolean sliding) {}

    private final ModelConfig config;
    private final Tensor embedding;
    private final boolean bf16Embedding;
    private final Layer[] layers;
    private final float[] finalNorm;
    private final Product head;
    /** Products of at least this many rows go through libtorch's GEMM (measured, or fixed by tests); MAX: none. */
    private int torchFromRows = Integer.MAX_VALUE;
    /** How the kernels group a batch's rows (measured at load for batches of 8+, or fixed by tests). */
    private RowProducts.Blocks blocks = RowProducts.Blocks.FOUR_ROWS;
    private final double[] invFreq;
    private final HostKvCache cache;
    private String description = "host decode steps";

    private HostDecoder(CausalLm model, boolean int8, int slots, int maxContext) {
        this.config = model.config();
        this.embedding = model.embeddingTable();
        this.bf16Embedding = Tensors.type(embedding) == ScalarType.BFloat16;
        Rope rope = model.rope();
        this.invFreq = rope == null ? null : rope.inverseFrequencies();
        List<DecoderLayer> ls = model.layers();
        this.layers = new Layer[ls.size()];
        for (int i = 0; i < layers.length; i++) {
            DecoderLayer l = ls.get(i);
            Attention a = l.attention();
            Mlp.Gated mlp = (Mlp.Gated) l.mlp();
            List<Linear> mlpParts = mlp.linears();
            ModelConfig.LayerKind kind = a.kind();
            // fused (create): [stacked q/k/v, o] and [stacked gate/up, down], each read as one weight
            List<Linear> attentionProducts = a.decodeLinears();
            List<Linear> mlpProducts = mlp.decodeLinears();
            layers[i] = new Layer(norm(l.attentionNorm()), a.qNorm() == null ? null : norm(a.qNorm()),
                    a.kNorm() == null ? null : norm(a.kNorm()),
                    product(attentionProducts.get(0), a.separateQkv(), int8),
                    product(a.output(), List.of(a.output()), int8), norm(l.mlpNorm()),
                    product(mlpProducts.get(0), mlpParts.subList(0, 2), int8),
                    product(mlpParts.get(2), List.of(mlpParts.get(2)), int8),
                    kind.rope() == ModelConfig.LayerRope.GLOBAL, kind.sliding());
        }
        this.finalNorm = norm(model.finalNorm());
        this.head = new Product(CausalLm.decodeCopy(model.headWeight(), int8), null, new Part[0], model.headWeight());
        this.cache = new HostKvCache(config, slots, maxContext, model.computeType() == ScalarType.BFloat16);
    }

    /**
     * Why {@code model}'s decode steps cannot run here, or null when they can: the decode kernels must be available
     * and the blocks Llama's (RMSNorm before attention and MLP, separate q/k/v, SwiGLU, full-width RoPE without
     * longrope, no soft-capping, no scaled or learned-position embeddings) computing in fp32 (over fp32, bf16 or
     * int8 weights) or in bf16 (over bf16 or int8 weights).
     */
    public static String unsupportedReason(CausalLm model) {
        if (!RowProducts.available()) return "the decode kernels are not available (jdk.incubator.vector, 256-bit vectors)";
        ModelConfig c = model.config();
        ScalarType t = model.computeType();
        if (t != ScalarType.Float && t != ScalarType.BFloat16) return "computes in " + t;
        // bf16 products over fp32 master weights: training's mixed precision (fp32 over bf16 weights is served)
        if (model.options().precision() == Precision.FP32 && model.options().mixed()) {
            return "computes in " + t + " over fp32 weights";
        }
        if (model.embeddingsTransformed() || c.attentionSoftcap() != null || c.finalSoftcap() != null
                || c.rotaryDim() != c.headDim() || c.longRope() != null || c.normForm() != ModelConfig.NormForm.STANDARD) {
            return c.architecture() + "'s embeddings, soft-capping or rotary scheme";
        }
        if (c.layerKinds().stream().anyMatch(k -> k.rope() == ModelConfig.LayerRope.LOCAL)) {
            return c.architecture() + "'s local rotary tables";
        }
        if (!(model.finalNorm() instanceof Norm.Rms)) return c.architecture() + "'s final norm";
        if (!model.embeddingTable().is_contiguous()) return "the embedding table is not contiguous";
        for (DecoderLayer l : model.layers()) {
            Attention a = l.attention();
            boolean ok = !l.sandwiched() && l.attentionNorm() instanceof Norm.Rms && l.mlpNorm() instanceof Norm.Rms
                    && a.separateQkv() != null && FusedLinear.stackable(a.separateQkv())
                    && (a.qNorm() == null || a.qNorm() instanceof Norm.Rms)
                    && l.mlp() instanceof Mlp.Gated g && g.silu() && FusedLinear.stackable(g.linears().subList(0, 2));
            if (!ok) return c.architecture() + "'s block (norms, q/k/v or gate/up that cannot be stacked, or MLP)";
        }
        return null;
    }

    /**
     * The host decoder of {@code model} for {@code slots} sequences of up to {@code maxContext} tokens, or null
     * when {@link #unsupportedReason} names a reason. Copies every decode weight into the heap in the served format
     * (int8: quantised, and the dequantised values written back into the model's weights, which prefill reads).
     */
    public static HostDecoder create(CausalLm model, int slots, int maxContext) {
        if (unsupportedReason(model) != null) return null;
        model.fuseProjections();
        try (NoGrad g = NoGrad.enter(); PointerScope scope = new PointerScope()) {
            return new HostDecoder(model, model.options().precision() == Precision.INT8, slots, maxContext);
        }
    }

    /**
     * Times batch-1 decode steps here against libtorch's on this model (no decode kernels in libtorch's: the model
     * as loaded), after a 16-token prompt prefilled by libtorch; the best of 15 alternating steps each after the
     * host step's JIT warm-up (see {@link RowKernelChoice#warmUp}). Uses slot 0,
     * so call it before serving.
     *
     * @return false when libtorch's step was more than 10 % faster (the host steps also serve batches and adapters
     *         without libtorch's per-call costs, and on a loaded machine the two bests move by more than the fp32
     *         margin: 21 against 29 ms quiet, one loaded run the other way); {@link #describe()} gives both timings
     */
    public boolean beatsLibtorch(CausalLm model) {
        double[] s = timeAgainstLibtorch(model);
        description = String.format(java.util.Locale.ROOT, "host decode steps (batch 1: %.2f ms against libtorch's"
                + " %.2f ms)", s[0] * 1e3, s[1] * 1e3);
        return s[1] >= 0.9 * s[0];
    }

    /** {host seconds, libtorch seconds}. */
    private double[] timeAgainstLibtorch(CausalLm model) {
        int prompt = 16;
        long[] ids = new long[prompt];
        for (int i = 0; i < prompt; i++) ids[i] = (7L * i + 3) % config.vocabSize();
        try (NoGrad g = NoGrad.enter(); PointerScope scope = new PointerScope();
             KvCache scratch = new KvCache(config, model.computeType(), 1, prompt + 1, prompt + 1)) {
            model.hiddenCached(Tensors.longs(ids, 1, prompt), new long[] {0}, scratch, 0);
            importSlot(scratch, 0, prompt);
            int[] token = {1};
            long[] position = {prompt};
            Runnable host = () -> step(token, position);
            RowKernelChoice.warmUp(host);
            return RowKernelChoice.interleavedBest(host, () -> {
                try (PointerScope s = new PointerScope()) {
                    Tensor h = model.hiddenCached(Tensors.longs(new long[] {1}, 1, 1), position, scratch, 0);
                    Tensors.toFloats(model.logits(h.select(1, 0)));
                }
            });
        }
    }

    private static float[] norm(Norm n) { return Tensors.toFloats(((Norm.Rms) n).weight()); }

    /**
     * The host copy of {@code holder}'s weight in the served format, its bias, and its {@code parts} (the
     * projections whose adapters add into its columns, in row order; the holder itself when not stacked).
     */
    private static Product product(Linear holder, List<Linear> parts, boolean int8) {
        Part[] ps = new Part[parts.size()];
        int offset = 0;
        for (int i = 0; i < ps.length; i++) {
            ps[i] = new Part(parts.get(i), offset);
            offset += (int) parts.get(i).outFeatures();
        }
        if (offset != holder.outFeatures()) throw new IllegalStateException(holder.name() + " does not stack its parts");
        float[] bias = holder.bias() == null ? null : Tensors.toFloats(holder.bias());
        return new Product(CausalLm.decodeCopy(holder.weight(), int8), bias, ps, holder.weight());
    }

    /** What serves the decode steps, with the measurement it was chosen on when there was one. */
    public String describe() { return description; }

    /** Bytes of weights one decode step reads (the numerator of the bandwidth bound). */
    public long weightBytes() {
        long b = head.w.bytes();
        for (Layer l : layers) b += l.qkv.w.bytes() + l.o.w.bytes() + l.gateUp.w.bytes() + l.down.w.bytes();
        return b;
    }

    /**
     * Copies slot {@code slot}'s first {@code length} positions of every layer from libtorch's cache (after
     * libtorch has prefilled or rebuilt the sequence there).
     */
    public void importSlot(KvCache libtorchCache, int slot, int length) { cache.importSlot(libtorchCache, slot, length); }

    /** Slot {@code from}'s cache becomes slot {@code to}'s (the scheduler keeps running sequences in 0 … n−1). */
    public void moveSlot(int from, int to) { cache.moveSlot(from, to); }

    /**
     * One decode step for slots 0 … m−1: row i feeds {@code tokens[i]} at {@code positions[i]} (its sequence's
     * earlier positions cached in slot i), with each part's routed adapter, if any, added per row.
     *
     * @return the logits, row after row (m · V fp32)
     */
    public float[] step(int[] tokens, long[] positions) {
        int m = tokens.length;
        int d = config.hiddenSize();
        int heads = config.numHeads();
        int kvHeads = config.numKvHeads();
        int hd = config.headDim();
        int group = heads / kvHeads;
        int qDim = heads * hd;
        int kvDim = kvHeads * hd;
        int f = config.intermediateSize();
        float eps = (float) config.normEps();
        float scale = (float) config.attentionScale();
        for (int i = 0; i < m; i++) cache.ensureCapacity(i, (int) positions[i] + 1);
        float[] x = embed(tokens, d);
        float[] h = new float[m * d];
        float[] qkv = new float[m * (qDim + 2 * kvDim)];
        float[] attended = new float[m * qDim];
        float[] out = new float[m * d];
        float[] gateUp = new float[m * 2 * f];
        float[] act = new float[m * f];
        float[][] cos = new float[m][];
        float[][] sin = new float[m][];
        if (invFreq != null) {
            for (int i = 0; i < m; i++) {
                cos[i] = new float[hd / 2];
                sin[i] = new float[hd / 2];
                for (int k = 0; k < hd / 2; k++) {
                    double angle = positions[i] * invFreq[k];
                    cos[i][k] = (float) Math.cos(angle);
                    sin[i][k] = (float) Math.sin(angle);
                }
            }
        }
        int qkvWidth = qDim + 2 * kvDim;
        for (int li = 0; li < layers.length; li++) {
            Layer layer = layers[li];
            // 1. attention input: RMSNorm, the stacked q/k/v product, per-head q/k norms, rotary positions
            for (int i = 0; i < m; i++) HostOps.rmsNorm(x, i * d, d, layer.attentionNorm, eps, h, i * d);
            multiply(layer.qkv, h, m, qkv);
            for (int i = 0; i < m; i++) {
                int row = i * qkvWidth;
                if (layer.qNorm != null) {
                    for (int hh = 0; hh < heads; hh++) HostOps.rmsNorm(qkv, row + hh * hd, hd, layer.qNorm, eps, qkv, row + hh * hd);
                    for (int hh = 0; hh < kvHeads; hh++) {
                        int o = row + qDim + hh * hd;
                        HostOps.rmsNorm(qkv, o, hd, layer.kNorm, eps, qkv, o);
                    }
                }
                if (layer.rope) {
                    HostOps.rope(qkv, row, heads, hd, cos[i], sin[i]);
                    HostOps.rope(qkv, row + qDim, kvHeads, hd, cos[i], sin[i]);
                }
                // 2. this position's key and value into the slot's cache (rounded as libtorch's cache holds them)
                cache.store(li, i, (int) positions[i], qkv, row + qDim, row + qDim + kvDim);
            }
            // 3. softmax attention, one task per (row, query head); query head hh reads key/value head hh / G
            int l = li;
            HostOps.parallel(m * heads, task -> {
                int i = task / heads;
                int hh = task % heads;
                int p = (int) positions[i];
                int from = layer.sliding ? Math.max(0, p - config.slidingWindow() + 1) : 0;
                HostOps.attendHead(qkv, i * qkvWidth + hh * hd, cache.keys(l, i), cache.values(l, i),
                        (hh / group) * hd, kvDim, from, p, hd, scale, new float[p - from + 1], attended,
                        i * qDim + hh * hd);
            });
            multiply(layer.o, attended, m, out);
            HostOps.addInto(x, 0, out, 0, m * d);
            // 4. the MLP: RMSNorm, stacked gate/up, silu(gate) · up, down, residual
            for (int i = 0; i < m; i++) HostOps.rmsNorm(x, i * d, d, layer.mlpNorm, eps, h, i * d);
            multiply(layer.gateUp, h, m, gateUp);
            for (int i = 0; i < m; i++) HostOps.siluMul(gateUp, i * 2 * f, gateUp, i * 2 * f + f, f, act, i * f);
            multiply(layer.down, act, m, out);
            HostOps.addInto(x, 0, out, 0, m * d);
        }
        for (int i = 0; i < m; i++) HostOps.rmsNorm(x, i * d, d, finalNorm, eps, h, i * d);
        float[] logits = new float[m * head.out()];
        multiply(head, h, m, logits);
        return logits;
    }

    /**
     * The rows of a batch whose adapter on one part of a product is the same: their inputs (gathered when they are
     * not the whole batch) and t = A·x for them (r values a row, row after row).
     */
    private record AdapterRows(int part, RowWeights a, RowWeights bt, int[] rows, float[] x, float[] t) {}

    /**
     * The batch's rows grouped by the adapter each part applies to them (rows without one left out), in row order;
     * null when no row has an adapter on this product.
     */
    private static List<AdapterRows> adapterRows(Product p, float[] x, int m, int in) {
        List<AdapterRows> groups = null;
        for (int pi = 0; pi < p.parts.length; pi++) {
            LinearAdapter a = p.parts[pi].linear.adapter();
            if (a == null) continue;
            RowWeights[][] f = a.rowFactors(m);
            if (f == null) {
                throw new IllegalStateException("the adapter of " + p.parts[pi].linear.name() + " has no host copy");
            }
            boolean[] taken = new boolean[m];
            for (int i = 0; i < m; i++) {
                if (f[i] == null || taken[i]) continue;
                int n = 0;
                int[] rows = new int[m];
                for (int j = i; j < m; j++) {
                    if (f[j] != null && f[j][0] == f[i][0]) {
                        rows[n++] = j;
                        taken[j] = true;
                    }
                }
                rows = java.util.Arrays.copyOf(rows, n);
                float[] xs = x;
                if (n < m) {
                    xs = new float[n * in];
                    for (int q = 0; q < n; q++) System.arraycopy(x, rows[q] * in, xs, q * in, in);
                }
                if (groups == null) groups = new ArrayList<>();
                groups.add(new AdapterRows(pi, f[i][0], f[i][1], rows, xs, new float[n * f[i][0].rows()]));
            }
        }
        return groups;
    }

    /**
     * y = x·Wᵀ + b for m rows, plus each row's LoRA delta s·B·(A·x) in the columns of every part its adapter
     * adapts. Rows sharing an adapter go together: t = A·x for all of them first (r values a row and part; r·in
     * multiply-adds, 27 K for q/k/v at r = 16 on the SmolLM2 shape), each A in two halves, taken by the decode
     * threads as the product's prologue (no hand-off of its own), each A vector loaded once per block of rows; then
     * bias and s·B·t added to each chunk of output rows by the thread that computed it, in the product's epilogue —
     * no extra pass over y;
     * (s·B)ᵀ is held (r, out), so that is r broadcast FMAs per vector of outputs, each vector of it loaded once per
     * four rows. Batches from {@code torchFromRows} rows multiply through libtorch, the epilogue after.
     */
    private void multiply(Product p, float[] x, int m, float[] y) {
        int out = p.out();
        int in = p.w.cols();
        List<AdapterRows> groups = adapterRows(p, x, m, in);
        // t = A·x per (part, group of rows), each A's rows in two halves: tasks for both threads even for one
        int tasks = groups == null ? 0 : 2 * groups.size();
        RowProducts.Prologue adapterInputs = k -> {
            AdapterRows g = groups.get(k / 2);
            int r = g.a.rows();
            int r0 = k % 2 == 0 ? 0 : r / 2;
            RowProducts.rowsTimes(g.a, g.x, g.rows.length, g.t, r0, k % 2 == 0 ? r / 2 : r, blocks);
        };
        boolean torch = m >= torchFromRows;
        if (groups == null && p.bias == null) {
            if (torch) torchProduct(p, x, m, y);
            else RowProducts.multiply(p.w, x, m, y, null, blocks);
            return;
        }
        RowProducts.Epilogue epilogue = (yy, r0, r1) -> {
            if (p.bias != null) {
                for (int i = 0; i < m; i++) HostOps.addInto(yy, i * out + r0, p.bias, r0, r1 - r0);
            }
            if (groups == null) return;
            for (AdapterRows g : groups) {
                int start = p.parts[g.part].offset;                            // (s·B)ᵀ: (r, the part's out)
                int lo = Math.max(r0, start);
                int hi = Math.min(r1, start + g.bt.cols());
                if (lo >= hi) continue;
                int[] yo = new int[g.rows.length];
                for (int q = 0; q < yo.length; q++) yo[q] = g.rows[q] * out + lo;
                RowProducts.addColumnsTimes(g.bt, g.t, yy, yo, yo.length, lo - start, hi - start);
            }
        };
        if (torch) {
            if (tasks > 0) HostOps.parallel(tasks, adapterInputs::run);
            torchProduct(p, x, m, y);
            epilogue.apply(y, 0, out);
        } else {
            RowProducts.multiply(p.w, x, m, y, adapterInputs, tasks, epilogue, blocks);
        }
    }

    /**
     * y = x·Wᵀ through libtorch's GEMM on the model's own weight (x cast to its dtype, the product read back as
     * fp32): a batch's products, where oneDNN's bf16 kernels (AVX512-BF16, AMX) outrun the Vector API's fp32 FMAs
     * once the weights are no longer the bottleneck. Costs two copies of x and y and ~5 native calls.
     */
    private static void torchProduct(Product p, float[] x, int m, float[] y) {
        int in = p.w.cols();
        int out = p.out();
        try (PointerScope scope = new PointerScope()) {
            Tensor xt = Tensors.floats(x, m, in);
            ScalarType type = Tensors.type(p.torch);
            if (type != ScalarType.Float) xt = xt.to(type);
            Tensor yt = torch.linear(xt, p.torch);
            if (type != ScalarType.Float) yt = yt.to(ScalarType.Float);
            yt.contiguous().data_ptr_float().capacity((long) m * out).get(y, 0, m * out);
        }
    }

    /**
     * Sends products of at least {@code rows} rows through libtorch's GEMM (tests; {@link #measureBatchProducts}
     * otherwise); {@link Integer#MAX_VALUE}: none.
     */
    public void productsThroughLibtorchFrom(int rows) { torchFromRows = rows; }

    /** Groups batches' rows as {@code blocks} in the kernels (tests; {@link #measureBatchProducts} otherwise). */
    public void kernelBlocks(RowProducts.Blocks blocks) { this.blocks = blocks; }

    /**
     * How batches of up to {@code maxRows} rows multiply fastest on this machine, timed on layer 0's stacked gate/up
     * product (the largest a layer runs): first, for batches of 8+, the kernels' blocks of four input rows against
     * blocks of eight (the faster is kept; the values are the same); then from how many rows (2, 4, 8, 16) libtorch's
     * GEMM, with its copies in and out, beats the kernels: from the smallest tested count where libtorch won at it
     * and every larger one — kept only if whole steps of the largest batch (≤ 16 rows) are faster that way too.
     * Uses slots 0 … 15 of the cache, so call it before serving. Adds the figures to {@link #describe()}.
     */
    public void measureBatchProducts(int maxRows) {
        Product p = layers[0].gateUp;
        if (maxRows < 2) return;
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        try (NoGrad g = NoGrad.enter()) {
            if (maxRows >= 8) {
                float[] x = RowKernelChoice.randomRows(random, 8, p.w.cols());
                float[] y = new float[8 * p.out()];
                Runnable four = () -> RowProducts.multiply(p.w, x, 8, y, null, RowProducts.Blocks.FOUR_ROWS);
                Runnable eight = () -> RowProducts.multiply(p.w, x, 8, y, null, RowProducts.Blocks.EIGHT_ROWS);
                RowKernelChoice.warmUp(four);
                RowKernelChoice.warmUp(eight);
                double[] s = RowKernelChoice.interleavedBest(four, eight);
                blocks = s[1] < s[0] ? RowProducts.Blocks.EIGHT_ROWS : RowProducts.Blocks.FOUR_ROWS;
                description += String.format(java.util.Locale.ROOT, "; batches in blocks of %d rows (gate/up, 8 rows:"
                        + " blocks of 4 %.2f, of 8 %.2f ms)", blocks == RowProducts.Blocks.EIGHT_ROWS ? 8 : 4,
                        s[0] * 1e3, s[1] * 1e3);
            }
            List<String> figures = new ArrayList<>();
            int from = Integer.MAX_VALUE;
            for (int m : new int[] {16, 8, 4, 2}) {                    // largest first: stop at the first loss
                if (m > maxRows) continue;
                float[] x = RowKernelChoice.randomRows(random, m, p.w.cols());
                float[] y = new float[m * p.out()];
                Runnable kernels = () -> RowProducts.multiply(p.w, x, m, y, null, blocks);
                RowKernelChoice.warmUp(kernels);
                double[] s = RowKernelChoice.interleavedBest(
                        kernels, () -> torchProduct(p, x, m, y));
                figures.add(0, String.format(java.util.Locale.ROOT, "%d rows %.2f vs libtorch %.2f ms", m, s[0] * 1e3,
                        s[1] * 1e3));
                if (s[1] >= s[0]) break;
                from = m;
            }
            String confirmed = "";
            if (from != Integer.MAX_VALUE) {
                // confirmed on whole steps at the largest batch: on an AVX2-only EPYC libtorch won fp32 gate/up at
                // 16 rows by 18 % (1.06 vs 1.29 ms) while 16 streams then decoded at 123 tok/s against 186 for 8
                int m = Math.min(maxRows, 16);
                int[] tokens = new int[m];
                long[] positions = new long[m];
                java.util.Arrays.fill(positions, 16);
                int libtorchFrom = from;
                Runnable kernels = () -> step(tokens, positions);
                Runnable libtorch = () -> {
                    torchFromRows = libtorchFrom;
                    try {
                        step(tokens, positions);
                    } finally {
                        torchFromRows = Integer.MAX_VALUE;
                    }
                };
                RowKernelChoice.warmUp(kernels);
                RowKernelChoice.warmUp(libtorch);
                double[] s = RowKernelChoice.interleavedBest(kernels, libtorch);
                confirmed = String.format(java.util.Locale.ROOT, "; whole %d-row steps %.2f on the kernels vs %.2f ms",
                        m, s[0] * 1e3, s[1] * 1e3);
                if (s[1] >= s[0]) from = Integer.MAX_VALUE;
            }
            torchFromRows = from;
            description += "; products " + (from == Integer.MAX_VALUE ? "all on the kernels" : "of " + from
                    + "+ rows through libtorch") + " (gate/up: " + String.join(", ", figures) + confirmed + ")";
        }
    }

    /** The embedding rows of {@code tokens}, fp32, read straight from the (V, D) table's memory. */
    private float[] embed(int[] tokens, int d) {
        float[] x = new float[tokens.length * d];
        for (int i = 0; i < tokens.length; i++) {
            long at = (long) tokens[i] * d;
            if (bf16Embedding) {
                short[] s = new short[d];
                new ShortPointer(embedding.data_ptr()).position(at).get(s, 0, d);
                for (int k = 0; k < d; k++) x[i * d + k] = RowWeights.fromBf16(s[k]);
            } else {
                new FloatPointer(embedding.data_ptr()).position(at).get(x, i * d, d);
            }
        }
        return x;
    }
}
