package dev.whetstone.engine.torch.export;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a GGUF version 3 file (llama.cpp's single-file model format): the magic, key/value metadata, tensor infos,
 * then each tensor's data aligned to {@value #ALIGNMENT} bytes, all little-endian. Tensor dimensions are written
 * innermost first (ggml's {@code ne}), the reverse of a PyTorch shape. Data is encoded row by row while it is
 * written, so a model never has to be held twice in memory.
 */
final class GgufWriter {
    /** GGUF's default alignment (no {@code general.alignment} key needed). */
    static final int ALIGNMENT = 32;
    private static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
    private static final int VERSION = 3;
    /** Values encoded per write: bounds the heap a large tensor needs. */
    private static final long CHUNK_VALUES = 1 << 22;

    /** gguf_type: the metadata value types. */
    private static final int UINT32 = 4;
    private static final int INT32 = 5;
    private static final int FLOAT32 = 6;
    private static final int BOOL = 7;
    private static final int STRING = 8;
    private static final int ARRAY = 9;

    /** A tensor's values, rows of the last (innermost) dimension, read in slices. */
    interface Rows {
        /** Values of rows {@code first … first + count − 1}, row-major, as fp32. */
        float[] read(long first, int count) throws IOException;
    }

    private record Tensor(String name, long[] shape, GgufType type, Rows rows) {
        long rowLength() { return shape[shape.length - 1]; }

        long rowCount() {
            long n = 1;
            for (int i = 0; i < shape.length - 1; i++) n *= shape[i];
            return n;
        }

        long bytes() { return rowCount() * type.rowBytes(rowLength()); }
    }

    private final Le meta = new Le();
    private int metaCount;
    private final List<Tensor> tensors = new ArrayList<>();

    void putString(String key, String value) {
        key(key, STRING);
        meta.string(value);
    }

    void putU32(String key, long value) {
        key(key, UINT32);
        meta.i32((int) value);
    }

    void putF32(String key, double value) {
        key(key, FLOAT32);
        meta.f32((float) value);
    }

    void putBool(String key, boolean value) {
        key(key, BOOL);
        meta.u8(value ? 1 : 0);
    }

    void putStrings(String key, List<String> values) {
        key(key, ARRAY);
        meta.i32(STRING);
        meta.i64(values.size());
        for (String v : values) meta.string(v);
    }

    void putI32s(String key, int[] values) {
        key(key, ARRAY);
        meta.i32(INT32);
        meta.i64(values.length);
        for (int v : values) meta.i32(v);
    }

    private void key(String key, int type) {
        meta.string(key);
        meta.i32(type);
        metaCount++;
    }

    /**
     * Adds a tensor.
     *
     * @param shape PyTorch order (outermost first); the last dimension is the row llama.cpp quantises along
     */
    void addTensor(String name, long[] shape, GgufType type, Rows rows) {
        if (!type.fits(shape[shape.length - 1])) {
            throw new IllegalArgumentException(name + ": rows of " + shape[shape.length - 1] + " values cannot be"
                    + " stored as " + type + " (blocks of " + type.blockSize + ")");
        }
        tensors.add(new Tensor(name, shape.clone(), type, rows));
    }

    void write(Path file) throws IOException {
        Le head = new Le();
        head.i32(MAGIC);
        head.i32(VERSION);
        head.i64(tensors.size());
        head.i64(metaCount);
        head.bytes(meta.toByteArray());
        long offset = 0;
        for (Tensor t : tensors) {
            head.string(t.name());
            head.i32(t.shape().length);
            for (int i = t.shape().length - 1; i >= 0; i--) head.i64(t.shape()[i]);
            head.i32(t.type().ggmlType);
            head.i64(offset);
            offset = align(offset + t.bytes());
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] h = head.toByteArray();
            writeFully(ch, ByteBuffer.wrap(h));
            pad(ch, align(h.length) - h.length);
            for (Tensor t : tensors) {
                writeData(ch, t);
                pad(ch, align(t.bytes()) - t.bytes());
            }
            ch.force(true);
        }
    }

    private static void writeData(FileChannel ch, Tensor t) throws IOException {
        long rowLength = t.rowLength();
        int rowsPerChunk = (int) Math.max(1, CHUNK_VALUES / rowLength);
        for (long first = 0; first < t.rowCount(); first += rowsPerChunk) {
            int count = (int) Math.min(rowsPerChunk, t.rowCount() - first);
            float[] values = t.rows().read(first, count);
            if (values.length != count * rowLength) {
                throw new IllegalStateException(t.name() + ": expected " + count * rowLength + " values, got "
                        + values.length);
            }
            ByteBuffer out = ByteBuffer.allocate((int) (count * t.type().rowBytes(rowLength)))
                    .order(ByteOrder.LITTLE_ENDIAN);
            GgufEncoding.encode(values, t.type(), out);
            out.flip();
            writeFully(ch, out);
        }
    }

    static long align(long n) { return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT; }

    private static void pad(FileChannel ch, long n) throws IOException {
        if (n > 0) writeFully(ch, ByteBuffer.allocate((int) n));
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    /** A little-endian byte sink for the header. */
    private static final class Le extends ByteArrayOutputStream {
        void u8(int v) { write(v); }

        void i32(int v) {
            for (int i = 0; i < 4; i++) write(v >>> (8 * i));
        }

        void i64(long v) {
            for (int i = 0; i < 8; i++) write((int) (v >>> (8 * i)));
        }

        void f32(float v) { i32(Float.floatToRawIntBits(v)); }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i64(b.length);
            bytes(b);
        }

        void bytes(byte[] b) { write(b, 0, b.length); }
    }
}
