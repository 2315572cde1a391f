package dev.whetstone.engine.torch.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.engine.torch.model.DType;
import dev.whetstone.engine.torch.model.SafetensorsReader;
import dev.whetstone.engine.torch.model.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * The PEFT adapter folder: {@code adapter_config.json} and {@code adapter_model.safetensors} with names like
 * {@code base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight}. Loadable by PEFT and vLLM.
 */
public final class PeftFiles {
    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";
    private static final String PREFIX = "base_model.model.";

    private PeftFiles() {}

    /** One adapted module's pair: A (r, in), B (out, r). */
    public record Pair(Tensor a, Tensor b) {}

    /** An adapter as read from disk: config plus the pairs by module name. */
    public record Adapter(LoraConfig config, Map<String, Pair> modules) {}

    public static String nameA(String module) { return PREFIX + module + ".lora_A.weight"; }

    public static String nameB(String module) { return PREFIX + module + ".lora_B.weight"; }

    public static boolean isAdapterDir(Path dir) { return Files.isRegularFile(dir.resolve(CONFIG)); }

    static void write(Path dir, LoraConfig config, Map<String, Pair> modules, String baseModel, boolean fanInFanOut)
            throws IOException {
        Files.createDirectories(dir);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        modules.forEach((m, p) -> {
            tensors.put(nameA(m), p.a().detach().contiguous());
            tensors.put(nameB(m), p.b().detach().contiguous());
        });
        SafetensorsWriter.write(dir.resolve(WEIGHTS), tensors, Map.of("format", "pt"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode c = json.createObjectNode();
        c.put("peft_type", "LORA").put("task_type", "CAUSAL_LM").put("base_model_name_or_path", baseModel)
                .put("r", config.rank()).put("lora_alpha", config.alpha()).put("lora_dropout", config.dropout())
                .put("bias", "none").put("fan_in_fan_out", fanInFanOut).put("inference_mode", true)
                .put("use_rslora", config.rsLora()).put("use_dora", false).put("init_lora_weights", true)
                .putNull("modules_to_save");
        config.targetModules().forEach(c.putArray("target_modules")::add);
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(CONFIG).toFile(), c);
    }

    /** Reads an adapter; A and B come back as fp32 tensors owned by the caller's scope. */
    public static Adapter read(Path dir) throws IOException {
        Path cfgFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(cfgFile)) {
            throw new NoSuchFileException(cfgFile + ": not a PEFT adapter folder (adapter_config.json missing)");
        }
        JsonNode c = new ObjectMapper().readTree(cfgFile.toFile());
        checkSupported(c, cfgFile);
        List<String> targets = new ArrayList<>();
        JsonNode t = c.path("target_modules");
        if (t.isArray()) t.forEach(x -> targets.add(x.asText()));
        else if (t.isTextual()) targets.add(t.asText());
        LoraConfig config = new LoraConfig(c.path("r").asInt(8), c.path("lora_alpha").asDouble(8),
                c.path("lora_dropout").asDouble(0), targets, c.path("use_rslora").asBoolean(false));
        Map<String, Pair> modules = new LinkedHashMap<>();
        try (SafetensorsReader r = SafetensorsReader.open(dir.resolve(WEIGHTS))) {
            for (String name : r.names()) {
                String n = name.replace(".default.weight", ".weight");
                if (!n.startsWith(PREFIX) || !n.endsWith(".lora_A.weight")) continue;
                String module = n.substring(PREFIX.length(), n.length() - ".lora_A.weight".length());
                String bName = r.has(nameB(module)) ? nameB(module) : nameB(module).replace(".weight", ".default.weight");
                if (!r.has(bName)) throw new IOException(dir + ": " + name + " has no matching lora_B tensor");
                modules.put(module, new Pair(r.read(name, DType.F32), r.read(bName, DType.F32)));
            }
        }
        if (modules.isEmpty()) throw new IOException(dir + ": " + WEIGHTS + " holds no lora_A/lora_B tensors");
        return new Adapter(config, modules);
    }

    private static void checkSupported(JsonNode c, Path file) throws IOException {
        if (!c.path("peft_type").asText("LORA").equals("LORA")) {
            throw new IOException(file + ": peft_type " + c.path("peft_type").asText() + " is not supported; only LORA");
        }
        if (c.path("use_dora").asBoolean(false)) throw new IOException(file + ": DoRA adapters are not supported");
        if (c.path("alpha_pattern").size() > 0) throw new IOException(file + ": alpha_pattern is not supported");
        if (!c.path("bias").asText("none").equals("none")) {
            throw new IOException(file + ": bias '" + c.path("bias").asText() + "' is not supported; only 'none'");
        }
        if (c.hasNonNull("modules_to_save") && c.get("modules_to_save").size() > 0) {
            throw new IOException(file + ": modules_to_save is not supported");
        }
    }
}
