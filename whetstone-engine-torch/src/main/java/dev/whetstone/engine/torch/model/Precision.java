package dev.whetstone.engine.torch.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** The dtype model weights are held and computed in. */
public enum Precision {
    /** Trained parameters, and frozen ones where bf16 arithmetic is not native. */
    FP32(DType.F32),
    /** Frozen weights on CPUs with native bf16 dot products (AVX-512 BF16 / AMX): about 2× the fp32 GEMM rate. */
    BF16(DType.BF16),
    /**
     * Serving only: int8 weight-only decoding. Weights load and compute in bf16; decode steps multiply by int8
     * weights with one fp32 scale per output row (symmetric, max |w| / 127), whose dequantised values also
     * replace the bf16 weights that prefill reads (see {@code CausalLm.prepareDecode}).
     */
    INT8(DType.BF16),
    /** Tests only: finite-difference gradient checks need the precision. */
    FP64(DType.F64);

    private final DType dtype;

    Precision(DType dtype) { this.dtype = dtype; }

    public DType dtype() { return dtype; }

    public ScalarType scalarType() { return dtype.scalarType(); }

    /** BF16 when this CPU computes bf16 natively, else FP32 (emulated bf16 is slower than fp32). */
    public static Precision bestFrozen() { return cpuHasNativeBf16() ? BF16 : FP32; }

    public static boolean cpuHasNativeBf16() {
        try {
            String info = Files.readString(Path.of("/proc/cpuinfo"));
            return info.contains(" avx512_bf16") || info.contains(" amx_bf16");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
