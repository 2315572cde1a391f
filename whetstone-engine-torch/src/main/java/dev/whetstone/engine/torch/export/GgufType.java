package dev.whetstone.engine.torch.export;

/**
 * The tensor encodings our GGUF writer emits, with ggml's type ids ({@code ggml_type}) and llama.cpp's matching
 * {@code general.file_type} ({@code llama_ftype}).
 */
public enum GgufType {
    F32(0, 0, 4, 1),
    F16(1, 1, 2, 1),
    /** Blocks of 32 weights: one fp16 scale (max |w| / 127) and 32 int8 values, 34 bytes. */
    Q8_0(8, 7, 34, 32),
    BF16(30, 32, 2, 1);

    final int ggmlType;
    final int fileType;
    final int blockBytes;
    final int blockSize;

    GgufType(int ggmlType, int fileType, int blockBytes, int blockSize) {
        this.ggmlType = ggmlType;
        this.fileType = fileType;
        this.blockBytes = blockBytes;
        this.blockSize = blockSize;
    }

    /** Bytes of a row of {@code n} values (n a multiple of the block size). */
    long rowBytes(long n) { return n / blockSize * blockBytes; }

    /** A row of {@code n} values can be stored in this type (Q8_0 needs whole blocks). */
    boolean fits(long n) { return n % blockSize == 0; }
}
