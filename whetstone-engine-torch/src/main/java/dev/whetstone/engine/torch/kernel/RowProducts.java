package dev.whetstone.engine.torch.kernel;

import dev.whetstone.engine.torch.model.Tensors;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Decode-step products y = x·Wᵀ for a few input rows (batch-1 and small-batch decoding) with hand-written Vector
 * API kernels over {@link RowWeights} in the served format (fp32, bf16, int8), output rows split over the
 * process's threads. libtorch 2.7.1 reads one-row bf16 weights at 7–8 GB/s here, a quarter of the memory's rate,
 * and packs the weights on every small-batch fp32 GEMM call (docs/BENCHMARKS.md, "Inference"); these loops read
 * each weight once per step at close to the memory's rate. Which batch sizes take this path is measured per
 * machine ({@link RowKernelChoice}). Needs the {@code jdk.incubator.vector} module
 * ({@code --add-modules jdk.incubator.vector}, as the launcher starts java); without it, {@link #available()} is
 * false and every caller keeps libtorch's path.
 */
public final class RowProducts {
    /** At most this many output rows per chunk handed to a thread: about 150 KB of bf16 weights at 576 columns. */
    private static final int CHUNK_ROWS = 128;
    private static final boolean AVAILABLE = probe();
    private static volatile RowWorkers workers;

    private RowProducts() {}

    /**
     * Whether the kernels run here: the vector module is present, the CPU has ≥ 256-bit float vectors, and the
     * system property {@code whetstone.decodeKernels} is not {@code off} (benchmarks compare with libtorch alone).
     */
    public static boolean available() { return AVAILABLE; }

    private static boolean probe() {
        if ("off".equals(System.getProperty("whetstone.decodeKernels"))) return false;
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return false;
        try {
            return VectorProducts.lanes() >= 8;
        } catch (LinkageError e) {
            return false;
        }
    }

    /** Threads the products split over: libtorch's intra-op thread count when the pool was first needed. */
    private static RowWorkers workers() {
        RowWorkers w = workers;
        if (w == null) {
            synchronized (RowProducts.class) {
                if (workers == null) workers = new RowWorkers(torch.get_num_threads());
                w = workers;
            }
        }
        return w;
    }

    /** A decode copy of a 2-D weight tensor in its own dtype (fp32, or bf16 bit patterns for bf16). */
    public static RowWeights copyOf(Tensor weight) {
        int rows = (int) weight.size(0);
        int cols = (int) weight.size(1);
        Tensor w = weight.detach().contiguous();
        if (Tensors.type(w) == ScalarType.BFloat16) {
            short[] s = new short[rows * cols];
            new ShortPointer(w.data_ptr()).capacity(s.length).get(s);
            return new RowWeights.Bf16(s, rows, cols);
        }
        return new RowWeights.F32(Tensors.toFloats(w), rows, cols);
    }

    /**
     * Quantises {@code weight} (rows, cols) to int8 with per-row scales and writes the dequantised values back into
     * it (rounded to its dtype), so libtorch's prefill products use the same weights as the decode kernels.
     */
    public static RowWeights.Int8 quantizeInPlace(Tensor weight) {
        int rows = (int) weight.size(0);
        int cols = (int) weight.size(1);
        RowWeights.Int8 q = RowWeights.Int8.quantize(Tensors.toFloats(weight), rows, cols);
        weight.copy_(Tensors.floats(q.dequantized(), rows, cols).to(Tensors.type(weight)));
        return q;
    }

    /** x (…, in) in any floating dtype, as m·in fp32 values row after row. */
    public static float[] read(Tensor x) { return Tensors.toFloats(x); }

    /** y = x·Wᵀ: x m rows of w.cols() values, y m rows of w.rows() values; fp32 accumulation. */
    public static float[] multiply(RowWeights w, float[] x, int m) {
        float[] y = new float[m * w.rows()];
        multiply(w, x, m, y);
        return y;
    }

    /** As {@link #multiply(RowWeights, float[], int)} into {@code y}. */
    public static void multiply(RowWeights w, float[] x, int m, float[] y) {
        multiply(w, x, m, y, null, null, 0, null, Blocks.FOUR_ROWS);
    }

    /**
     * Rows r0 … r1−1 of a product's output are final: an epilogue adds into them on the thread that computed
     * them, while they are in its cache (LoRA's B·t for those rows).
     */
    public interface Epilogue {
        void apply(float[] y, int r0, int r1);
    }

    /**
     * How the kernels group a batch's input rows: each weight vector, once loaded, is multiplied into a block of
     * input rows. Which is faster depends on the CPU (its vector registers, loads and FMAs per cycle) and is
     * measured per served model ({@code HostDecoder.measureBatchProducts}); the values are the same either way.
     */
    public enum Blocks {
        /** Blocks of four input rows against two weight rows at a time (eight accumulators). */
        FOUR_ROWS,
        /** Blocks of eight input rows against one weight row at a time (eight accumulators), then fours. */
        EIGHT_ROWS
    }

    /** As {@link #multiply(RowWeights, float[], int, float[])}, then {@code epilogue} (or null) on each chunk. */
    public static void multiply(RowWeights w, float[] x, int m, float[] y, Epilogue epilogue) {
        multiply(w, x, m, y, null, null, 0, epilogue, Blocks.FOUR_ROWS);
    }

    /** As {@link #multiply(RowWeights, float[], int, float[], Epilogue)}, input rows grouped as {@code blocks}. */
    public static void multiply(RowWeights w, float[] x, int m, float[] y, Epilogue epilogue, Blocks blocks) {
        multiply(w, x, m, y, null, null, 0, epilogue, blocks);
    }

    /** Small independent tasks 0 … n−1 that a product's epilogues need done first (LoRA's t = A·x). */
    public interface Prologue {
        void run(int task);
    }

    /**
     * As {@link #multiply(RowWeights, float[], int, float[], Epilogue, Blocks)}, with {@code tasks} prologue tasks
     * in the same hand-off: the threads take them before any chunk of the product (chunks are dealt in order), and
     * each epilogue waits until all of them are done — by then long finished, a prologue task being microseconds
     * and a chunk's product tens of them. A separate parallel call for them costs one more hand-off per adapted
     * product, 120 a step on the SmolLM2 shape (whose saving was within the noise of this project's VMs).
     */
    public static void multiply(RowWeights w, float[] x, int m, float[] y, Prologue prologue, int tasks,
                                Epilogue epilogue, Blocks blocks) {
        multiply(w, x, m, y, null, prologue, tasks, epilogue, blocks);
    }

    /** @param pool the threads to split over, or null for the process's pool */
    static void multiply(RowWeights w, float[] x, int m, float[] y, RowWorkers pool, Prologue prologue, int tasks,
                         Epilogue epilogue, Blocks blocks) {
        int rows = w.rows();
        RowWorkers workers = pool != null ? pool : workers();
        // a multiple of the threads in chunks of equal rows, at most CHUNK_ROWS: a 576-row projection in 6 chunks of
        // 96, not 4 of 128 and one of 64 (one thread idle a fifth of the product); not smaller, since chunks of
        // 36 rows (20 KB of int8) slowed the int8 step by a fifth, measured (docs/BENCHMARKS.md)
        int threads = workers.threads();
        int chunks = threads * Math.max(1, (rows + threads * CHUNK_ROWS - 1) / (threads * CHUNK_ROWS));
        int chunkRows = (rows + chunks - 1) / chunks;
        chunks = (rows + chunkRows - 1) / chunkRows;
        int pre = prologue == null ? 0 : tasks;
        if (chunks == 1 || (long) rows * w.cols() * m < 32_768) {
            for (int k = 0; k < pre; k++) prologue.run(k);
            VectorProducts.multiply(w, x, m, y, 0, rows, blocks);
            if (epilogue != null) epilogue.apply(y, 0, rows);
            return;
        }
        java.util.concurrent.atomic.AtomicInteger prologueDone = new java.util.concurrent.atomic.AtomicInteger();
        workers.run(pre + chunks, c -> {
            if (c < pre) {
                prologue.run(c);
                prologueDone.incrementAndGet();
                return;
            }
            int r0 = (c - pre) * chunkRows;
            int r1 = Math.min(rows, r0 + chunkRows);
            VectorProducts.multiply(w, x, m, y, r0, r1, blocks);
            if (epilogue == null) return;
            // every prologue task was taken before this chunk, by a thread now running it: this wait ends
            while (prologueDone.get() < pre) Thread.onSpinWait();
            epilogue.apply(y, r0, r1);
        });
    }

    /**
     * t[i·rows + r] = W[r]·x[i] for the m rows of x and rows r0 … r1−1 of fp32 or bf16 weights W, on the calling
     * thread: LoRA's A·x for the rows of a batch that share an adapter, each weight vector loaded once per block of
     * rows. A row's values are those of the one-row loop on it alone (into zeros), whatever rows share the call
     * (once both loops are compiled: the order of a lane sum's additions is the JIT's).
     */
    public static void rowsTimes(RowWeights w, float[] x, int m, float[] t, int r0, int r1, Blocks blocks) {
        VectorProducts.rowsTimes(w, x, m, t, r0, r1, blocks);
    }

    /**
     * y[yo[q] + c − c0] += Σⱼ t[q·r + j] · W[j][c] for n rows sharing fp32 or bf16 weights W (r, cols) and columns
     * c0 … c1−1, on the calling thread: LoRA's s·B·t with B held transposed, (r, out), inside a product's epilogue,
     * for the rows of a batch that share an adapter (their t one after another); each vector of W loaded once per
     * four rows. Every output gets the same bits as row by row.
     */
    public static void addColumnsTimes(RowWeights w, float[] t, float[] y, int[] yo, int n, int c0, int c1) {
        VectorProducts.columnsTimes(w, t, y, yo, n, c0, c1);
    }

    /**
     * The fp32 multiply-add rate of the kernels' vector FMAs on all decode threads at once, GFLOP/s (2 per lane and
     * FMA): register-only chains, the best of three runs of about 0.2 s after one to compile them. What batched
     * decoding is bounded by once the weights are read once for many rows (bench infer reports the fraction).
     */
    public static double fmaPeakGflops() {
        RowWorkers w = workers();
        int threads = w.threads();
        long n = 50_000_000L / VectorProducts.lanes();
        float[] sink = new float[threads];
        w.run(threads, t -> sink[t] = VectorProducts.fmaChains(n / 10));
        double best = 0;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            w.run(threads, t -> sink[t] += VectorProducts.fmaChains(n));
            double s = (System.nanoTime() - t0) / 1e9;
            best = Math.max(best, 2.0 * VectorProducts.CHAINS * VectorProducts.lanes() * n * threads / s / 1e9);
        }
        return best;
    }

    /** Runs body(0 … n−1) split over the decode threads (the caller among them); returns when all are done. */
    static void parallel(int n, java.util.function.IntConsumer body) {
        if (n == 1) body.accept(0);
        else workers().run(n, body::accept);
    }

    /** A new tensor of {@code shape} in {@code type} (fp32 or bf16, rounded to nearest even) holding {@code y}. */
    public static Tensor tensor(float[] y, long[] shape, ScalarType type) {
        Tensor t = torch.empty(shape, Tensors.options(type), new MemoryFormatOptional());
        if (type == ScalarType.BFloat16) {
            short[] s = new short[y.length];
            for (int i = 0; i < y.length; i++) s[i] = RowWeights.toBf16(y[i]);
            new ShortPointer(t.data_ptr()).capacity(s.length).put(s);
        } else if (type == ScalarType.Float) {
            t.data_ptr_float().capacity(y.length).put(y);
        } else {
            return Tensors.floats(y, shape).to(type);
        }
        return t;
    }
}
