package dev.whetstone.engine.torch.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Writes a model as a Hugging Face checkpoint folder (full fine-tuning output): config.json, the weights in the
 * checkpoint's original layout and dtype, and every other file of the source folder (tokenizer, generation config).
 */
public final class HfCheckpoint {
    /** Shards of at most 5 GB, Hugging Face's default. */
    private static final long MAX_SHARD = 5L << 30;

    private HfCheckpoint() {}

    public static void save(CausalLm model, Path dir) throws IOException {
        Files.createDirectories(dir);
        DType type = savedType(model.config());
        try (PointerScope scope = new PointerScope(); NoGrad ng = NoGrad.enter()) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            model.parameters().forEach((name, t) -> {
                Tensor w = model.storedTransposed(name) ? t.t() : t;
                out.put(name, w.detach().to(type.scalarType()).contiguous());
            });
            SafetensorsWriter.writeCheckpoint(dir, out, MAX_SHARD);
        }
        copyOtherFiles(model.sourceDir(), dir);
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(model.sourceDir().resolve("config.json").toFile());
        config.put("torch_dtype", type == DType.BF16 ? "bfloat16" : type == DType.F16 ? "float16" : "float32");
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config);
    }

    /** The checkpoint's declared dtype, so a fine-tuned model is as large as its base; fp32 when unknown. */
    static DType savedType(ModelConfig c) {
        if ("bfloat16".equals(c.torchDtype())) return DType.BF16;
        if ("float16".equals(c.torchDtype())) return DType.F16;
        return DType.F32;
    }

    /** Copies tokenizer and other side files; weights and config.json are written fresh. */
    public static void copyOtherFiles(Path from, Path to) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(from)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        for (Path f : files) {
            String n = f.getFileName().toString();
            boolean weights = n.endsWith(".safetensors") || n.endsWith(".bin") || n.endsWith(".pt")
                    || n.endsWith(".index.json") || n.endsWith(".pth");
            if (weights || n.equals("config.json")) continue;
            Files.copy(f, to.resolve(n), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
