package dev.whetstone.engine.torch.vision;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.engine.torch.model.HfCheckpoint;
import dev.whetstone.engine.torch.model.NoGrad;
import dev.whetstone.engine.torch.model.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Writes a fully fine-tuned vision-language model as a Hugging Face folder: every tensor under its checkpoint name
 * in the dtype config.json declares (fp32 when it declares none), the source folder's config, tokenizer and
 * processor files beside them.
 */
public final class VisionCheckpoint {
    private static final long MAX_SHARD = 5L << 30;

    private VisionCheckpoint() {}

    public static void save(VisionLm model, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path source = model.text().sourceDir();
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(source.resolve("config.json").toFile());
        String declared = config.path("torch_dtype").asText("float32");
        ScalarType type = switch (declared) {
            case "bfloat16" -> ScalarType.BFloat16;
            case "float16" -> ScalarType.Half;
            default -> ScalarType.Float;
        };
        try (PointerScope scope = new PointerScope(); NoGrad ng = NoGrad.enter()) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            model.parameters().forEach((name, t) -> out.put(name, t.detach().to(type).contiguous()));
            SafetensorsWriter.writeCheckpoint(dir, out, MAX_SHARD);
        }
        HfCheckpoint.copyOtherFiles(source, dir);
        if (type == ScalarType.Float) config.put("torch_dtype", "float32");
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config);
    }
}
