package dev.whetstone.engine.torch.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The header of one safetensors file: 8-byte little-endian header length, a JSON object mapping tensor names to
 * {dtype, shape, data_offsets}, then the raw little-endian data. Offsets are relative to the data start.
 */
record SafetensorsHeader(Path file, long dataStart, Map<String, Entry> entries, Map<String, String> metadata) {

    /** One tensor's location inside the file. */
    record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        long numel() {
            long n = 1;
            for (long s : shape) n *= s;
            return n;
        }
    }

    /** Header JSON larger than this is refused: real headers are kilobytes, a huge one means a corrupt file. */
    private static final long MAX_HEADER_BYTES = 100L << 20;

    static SafetensorsHeader read(FileChannel channel, Path file, ObjectMapper json) throws IOException {
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, len, 0, file);
        long headerLength = len.flip().getLong();
        long size = channel.size();
        if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > size) {
            throw new IOException(file + ": not a safetensors file (header length " + headerLength
                    + ", file size " + size + ")");
        }
        ByteBuffer header = ByteBuffer.allocate((int) headerLength);
        readFully(channel, header, 8, file);
        JsonNode root = json.readTree(new String(header.array(), StandardCharsets.UTF_8));
        long dataStart = 8 + headerLength;
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals("__metadata__")) {
                f.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            entries.put(f.getKey(), entry(f.getKey(), f.getValue(), file, size - dataStart));
        }
        return new SafetensorsHeader(file, dataStart, entries, metadata);
    }

    private static Entry entry(String name, JsonNode node, Path file, long dataBytes) throws IOException {
        String where = file.getFileName() + " tensor '" + name + "'";
        DType dtype = DType.fromSafetensors(node.path("dtype").asText(), where);
        JsonNode shapeNode = node.path("shape");
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) shape[i] = shapeNode.get(i).asLong();
        long begin = node.path("data_offsets").path(0).asLong(-1);
        long end = node.path("data_offsets").path(1).asLong(-1);
        Entry e = new Entry(name, dtype, shape, begin, end);
        if (begin < 0 || end < begin || end > dataBytes || (end - begin) != e.numel() * dtype.bytes()) {
            throw new IOException(where + ": data_offsets [" + begin + ", " + end + "] do not match its shape,"
                    + " dtype or the file size; the file is corrupt or truncated");
        }
        return e;
    }

    static void readFully(FileChannel channel, ByteBuffer dst, long position, Path file) throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, pos);
            if (n < 0) throw new IOException(file + ": unexpected end of file at byte " + pos);
            pos += n;
        }
    }
}
