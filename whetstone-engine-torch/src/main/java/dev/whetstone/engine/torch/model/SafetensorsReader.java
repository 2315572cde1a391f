package dev.whetstone.engine.torch.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Reads tensors from a Hugging Face checkpoint folder: {@code model.safetensors}, or the shards listed in
 * {@code model.safetensors.index.json}, or a single given file. Each tensor is read straight from the file into the
 * native memory of a new libtorch tensor (one copy from the page cache, no Java heap buffer), so multi-GB
 * checkpoints load without doubling memory.
 */
public final class SafetensorsReader implements AutoCloseable {
    /** JavaCPP byte buffers are int-indexed: large tensors are read in slices of this size. */
    private static final long SLICE = 1L << 30;

    private final Map<String, SafetensorsHeader.Entry> entries = new LinkedHashMap<>();
    private final Map<String, Source> sourceOf = new LinkedHashMap<>();
    private final List<FileChannel> channels = new ArrayList<>();

    private record Source(FileChannel channel, Path file, long dataStart) {}

    private SafetensorsReader() {}

    /** Opens the weights of a checkpoint folder, or a single {@code .safetensors} file. */
    public static SafetensorsReader open(Path dirOrFile) throws IOException {
        ObjectMapper json = new ObjectMapper();
        SafetensorsReader r = new SafetensorsReader();
        try {
            for (Path file : files(dirOrFile, json)) r.add(file, json);
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    static List<Path> files(Path dirOrFile, ObjectMapper json) throws IOException {
        if (Files.isRegularFile(dirOrFile)) return List.of(dirOrFile);
        Path single = dirOrFile.resolve("model.safetensors");
        if (Files.isRegularFile(single)) return List.of(single);
        Path index = dirOrFile.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            JsonNode map = json.readTree(index.toFile()).path("weight_map");
            Set<String> shards = new LinkedHashSet<>();
            map.fields().forEachRemaining(f -> shards.add(f.getValue().asText()));
            List<Path> out = new ArrayList<>();
            for (String s : shards) out.add(dirOrFile.resolve(s));
            return out;
        }
        throw new NoSuchFileException(dirOrFile + ": no model.safetensors or model.safetensors.index.json;"
                + " convert the checkpoint to safetensors (PyTorch .bin weights are not read)");
    }

    private void add(Path file, ObjectMapper json) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        channels.add(ch);
        SafetensorsHeader h = SafetensorsHeader.read(ch, file, json);
        Source source = new Source(ch, file, h.dataStart());
        for (SafetensorsHeader.Entry e : h.entries().values()) {
            entries.put(e.name(), e);
            sourceOf.put(e.name(), source);
        }
    }

    public Set<String> names() { return Collections.unmodifiableSet(entries.keySet()); }

    public boolean has(String name) { return entries.containsKey(name); }

    public long[] shape(String name) { return entry(name).shape().clone(); }

    public DType dtype(String name) { return entry(name).dtype(); }

    /** Reads a tensor in its stored dtype. */
    public Tensor read(String name) throws IOException {
        SafetensorsHeader.Entry e = entry(name);
        Source src = sourceOf.get(name);
        Tensor t = torch.empty(e.shape(), Tensors.options(e.dtype().scalarType()), new MemoryFormatOptional());
        BytePointer dst = Tensors.bytes(t);
        long total = e.end() - e.begin();
        long start = src.dataStart() + e.begin();
        for (long off = 0; off < total; off += SLICE) {
            long n = Math.min(SLICE, total - off);
            ByteBuffer buf = dst.position(off).limit(off + n).asByteBuffer();
            SafetensorsHeader.readFully(src.channel(), buf, start + off, src.file());
        }
        return t;
    }

    /** Reads a tensor converted to {@code type} (a no-op when it is stored so). */
    public Tensor read(String name, DType type) throws IOException {
        Tensor t = read(name);
        return entry(name).dtype() == type ? t : t.to(type.scalarType());
    }

    private SafetensorsHeader.Entry entry(String name) {
        SafetensorsHeader.Entry e = entries.get(name);
        if (e == null) throw new IllegalArgumentException("tensor '" + name + "' is not in the checkpoint");
        return e;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (FileChannel c : channels) {
            try {
                c.close();
            } catch (IOException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }
}
