package dev.whetstone.engine.torch.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Writes safetensors files (tensor data straight from native memory to the file) and sharded checkpoints with
 * {@code model.safetensors.index.json}, as Hugging Face does.
 */
public final class SafetensorsWriter {
    private static final long SLICE = 1L << 30;

    private SafetensorsWriter() {}

    /** Writes one file; tensors are stored in their own dtype, names sorted for reproducible bytes. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, Tensor> sorted = new TreeMap<>(tensors);
        try (PointerScope scope = new PointerScope();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            List<Tensor> data = new ArrayList<>();
            ObjectNode header = json.createObjectNode();
            if (metadata != null && !metadata.isEmpty()) {
                ObjectNode meta = header.putObject("__metadata__");
                metadata.forEach(meta::put);
            }
            long offset = 0;
            for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
                Tensor t = e.getValue().detach().contiguous();
                data.add(t);
                ObjectNode entry = header.putObject(e.getKey());
                entry.put("dtype", DType.of(Tensors.type(t)).safetensorsName());
                ArrayNode shape = entry.putArray("shape");
                for (long s : t.shape()) shape.add(s);
                entry.putArray("data_offsets").add(offset).add(offset + t.nbytes());
                offset += t.nbytes();
            }
            writeHeader(ch, json.writeValueAsString(header));
            for (Tensor t : data) writeData(ch, t);
        }
    }

    /** Pads the JSON with spaces so tensor data starts 8-byte aligned, as the reference implementation does. */
    private static void writeHeader(FileChannel ch, String headerJson) throws IOException {
        byte[] raw = headerJson.getBytes(StandardCharsets.UTF_8);
        int padded = (raw.length + 7) / 8 * 8;
        ByteBuffer buf = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded).put(raw);
        while (buf.hasRemaining()) buf.put((byte) ' ');
        buf.flip();
        while (buf.hasRemaining()) ch.write(buf);
    }

    private static void writeData(FileChannel ch, Tensor t) throws IOException {
        long total = t.nbytes();
        if (total == 0) return;
        BytePointer src = Tensors.bytes(t);
        for (long off = 0; off < total; off += SLICE) {
            long n = Math.min(SLICE, total - off);
            ByteBuffer buf = src.position(off).limit(off + n).asByteBuffer();
            while (buf.hasRemaining()) ch.write(buf);
        }
    }

    /**
     * Writes {@code model.safetensors}, or shards of at most {@code maxShardBytes} named
     * {@code model-0000i-of-0000n.safetensors} plus {@code model.safetensors.index.json} when larger.
     */
    public static void writeCheckpoint(Path dir, Map<String, Tensor> tensors, long maxShardBytes)
            throws IOException {
        List<Map<String, Tensor>> shards = new ArrayList<>();
        Map<String, Tensor> current = new LinkedHashMap<>();
        long size = 0;
        long total = 0;
        for (Map.Entry<String, Tensor> e : new TreeMap<>(tensors).entrySet()) {
            long n = e.getValue().nbytes();
            if (!current.isEmpty() && size + n > maxShardBytes) {
                shards.add(current);
                current = new LinkedHashMap<>();
                size = 0;
            }
            current.put(e.getKey(), e.getValue());
            size += n;
            total += n;
        }
        shards.add(current);
        Map<String, String> meta = Map.of("format", "pt");
        if (shards.size() == 1) {
            write(dir.resolve("model.safetensors"), shards.get(0), meta);
            return;
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode index = json.createObjectNode();
        index.putObject("metadata").put("total_size", total);
        ObjectNode weightMap = index.putObject("weight_map");
        for (int i = 0; i < shards.size(); i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            write(dir.resolve(name), shards.get(i), meta);
            for (String k : shards.get(i).keySet()) weightMap.put(k, name);
        }
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
    }
}
