package dev.whetstone.engine.torch.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir Path dir;

    @Test
    void roundTripsEveryFloatTypeWithShapes() throws IOException {
        try (PointerScope s = new PointerScope()) {
            Map<String, Tensor> in = new LinkedHashMap<>();
            in.put("a.f32", torch.randn(3, 5));
            in.put("b.bf16", torch.randn(4, 2, 3).to(ScalarType.BFloat16));
            in.put("c.f16", torch.randn(7).to(ScalarType.Half));
            in.put("d.f64", torch.randn(2, 2).to(ScalarType.Double));
            in.put("e.scalarish", torch.randn(1));
            Path file = dir.resolve("x.safetensors");
            SafetensorsWriter.write(file, in, Map.of("format", "pt"));
            try (SafetensorsReader r = SafetensorsReader.open(file)) {
                assertThat(r.names()).containsExactlyInAnyOrderElementsOf(in.keySet());
                for (var e : in.entrySet()) {
                    Tensor t = r.read(e.getKey());
                    assertThat(Tensors.type(t)).isEqualTo(Tensors.type(e.getValue()));
                    assertThat(t.shape()).containsExactly(e.getValue().shape());
                    assertThat(t.equal(e.getValue())).as(e.getKey()).isTrue();
                }
                assertThat(r.read("b.bf16", DType.F32).equal(in.get("b.bf16").to(ScalarType.Float))).isTrue();
            }
        }
    }

    @Test
    void knownBytesAreLittleEndianWithAnAlignedHeader() throws IOException {
        try (PointerScope s = new PointerScope()) {
            Path file = dir.resolve("k.safetensors");
            SafetensorsWriter.write(file, Map.of("w", Tensors.floats(new float[] {1.5f, -2f}, 2)), Map.of());
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            long n = b.getLong(0);
            assertThat(n % 8).isZero();
            String header = new String(Files.readAllBytes(file), 8, (int) n).trim();
            assertThat(header).isEqualTo("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}");
            assertThat(b.getFloat(8 + (int) n)).isEqualTo(1.5f);
            assertThat(b.getFloat(12 + (int) n)).isEqualTo(-2f);
        }
    }

    @Test
    void readsShardedCheckpointsThroughTheIndex() throws IOException {
        try (PointerScope s = new PointerScope()) {
            Map<String, Tensor> in = new LinkedHashMap<>();
            for (int i = 0; i < 5; i++) in.put("layer." + i, torch.randn(16, 16));
            SafetensorsWriter.writeCheckpoint(dir, in, 2 * 16 * 16 * 4);
            assertThat(dir.resolve("model.safetensors.index.json")).exists();
            assertThat(dir.resolve("model-00003-of-00003.safetensors")).exists();
            try (SafetensorsReader r = SafetensorsReader.open(dir)) {
                assertThat(r.names()).hasSize(5);
                for (var e : in.entrySet()) assertThat(r.read(e.getKey()).equal(e.getValue())).isTrue();
            }
        }
    }

    @Test
    void refusesCorruptFilesWithTheFileName() throws IOException {
        Path bad = dir.resolve("bad.safetensors");
        Files.write(bad, new byte[] {(byte) 0xff, 0x7f, 0, 0, 0, 0, 0, 0, '{', '}'});
        assertThatThrownBy(() -> SafetensorsReader.open(bad)).isInstanceOf(IOException.class)
                .hasMessageContaining("bad.safetensors").hasMessageContaining("not a safetensors file");
        Path truncated = dir.resolve("t.safetensors");
        try (PointerScope s = new PointerScope()) {
            SafetensorsWriter.write(truncated, Map.of("w", torch.randn(100)), Map.of());
        }
        byte[] all = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(all, all.length - 10));
        assertThatThrownBy(() -> SafetensorsReader.open(truncated)).hasMessageContaining("corrupt or truncated");
    }

    @Test
    void aFolderWithoutSafetensorsSaysWhatIsMissing() {
        assertThatThrownBy(() -> SafetensorsReader.open(dir)).hasMessageContaining("model.safetensors");
    }
}
