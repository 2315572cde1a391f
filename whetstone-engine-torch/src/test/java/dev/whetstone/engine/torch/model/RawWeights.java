package dev.whetstone.engine.torch.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Test-side safetensors parser (F32 only), independent of the production reader: the whole file on the heap. */
public final class RawWeights {
    final Map<String, double[]> values = new HashMap<>();
    final Map<String, long[]> shapes = new HashMap<>();

    public static RawWeights read(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = (int) buf.getLong(0);
        byte[] header = new byte[headerLen];
        buf.get(8, header);
        JsonNode root = new ObjectMapper().readTree(header);
        RawWeights w = new RawWeights();
        root.fields().forEachRemaining(f -> {
            if (f.getKey().equals("__metadata__")) return;
            if (!f.getValue().get("dtype").asText().equals("F32")) throw new IllegalStateException("F32 only");
            long[] shape = new long[f.getValue().get("shape").size()];
            for (int i = 0; i < shape.length; i++) shape[i] = f.getValue().get("shape").get(i).asLong();
            int begin = f.getValue().get("data_offsets").get(0).asInt();
            int end = f.getValue().get("data_offsets").get(1).asInt();
            double[] v = new double[(end - begin) / 4];
            for (int i = 0; i < v.length; i++) v[i] = buf.getFloat(8 + headerLen + begin + 4 * i);
            w.values.put(f.getKey(), v);
            w.shapes.put(f.getKey(), shape);
        });
        return w;
    }

    public boolean has(String name) { return values.containsKey(name); }

    public double[] get(String name) {
        double[] v = values.get(name);
        if (v == null) throw new IllegalArgumentException("no tensor " + name);
        return v;
    }
}
