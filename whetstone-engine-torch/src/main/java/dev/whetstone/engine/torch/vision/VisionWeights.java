package dev.whetstone.engine.torch.vision;

import dev.whetstone.engine.torch.model.Linear;
import dev.whetstone.engine.torch.model.SafetensorsReader;
import dev.whetstone.engine.torch.model.Tensors;
import dev.whetstone.engine.torch.model.UnsupportedModelException;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Reads the vision encoder's and connector's tensors from the checkpoint, shape-checked, in one dtype. */
final class VisionWeights {
    private final SafetensorsReader reader;
    private final ScalarType type;
    private final boolean trainable;
    private final Map<String, Tensor> read = new LinkedHashMap<>();

    VisionWeights(SafetensorsReader reader, ScalarType type, boolean trainable) {
        this.reader = reader;
        this.type = type;
        this.trainable = trainable;
    }

    /** Every tensor read so far, by its checkpoint name (retained until the model closes). */
    Map<String, Tensor> read() { return read; }

    Tensor get(String name, long... shape) throws IOException {
        if (!reader.has(name)) {
            throw new UnsupportedModelException("checkpoint lacks tensor '" + name + "' that an "
                    + Idefics3Config.ARCHITECTURE + " model with this config.json needs");
        }
        Tensor t = reader.read(name).to(type);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new UnsupportedModelException("tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + " but config.json implies " + Arrays.toString(shape));
        }
        t = t.contiguous();
        if (trainable) t.set_requires_grad(true);
        read.put(name, Tensors.retain(t));
        return t;
    }

    Linear linear(String module, long in, long out, boolean bias) throws IOException {
        return Linear.of(module, get(module + ".weight", out, in), bias ? get(module + ".bias", out) : null);
    }

    /** nn.LayerNorm's weight and bias. */
    LayerNorm layerNorm(String module, long d, double eps) throws IOException {
        return new LayerNorm(get(module + ".weight", d), get(module + ".bias", d), eps);
    }
}
