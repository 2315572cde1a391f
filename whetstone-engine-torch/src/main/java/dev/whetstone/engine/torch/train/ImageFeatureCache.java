package dev.whetstone.engine.torch.train;

import dev.whetstone.engine.torch.data.ImageFrames;
import dev.whetstone.engine.torch.model.NoGrad;
import dev.whetstone.engine.torch.model.Tensors;
import dev.whetstone.engine.torch.vision.VisionLm;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * The image features (encoder and connector output) of each training example's frames, computed once per run when
 * nothing on the vision side is trained (LoRA): the frozen encoder gives the same features every epoch, and on a CPU
 * it costs more than the decoder (docs/BENCHMARKS.md, "Vision fine-tuning"). Each example's frames are encoded on
 * their own, so a feature does not depend on which batch first needed it (runs and resumed runs stay equal).
 * Memory: image_seq_len × hidden values a frame in the compute dtype (SmolVLM-256M: 64 × 576).
 */
final class ImageFeatureCache implements AutoCloseable {
    private final Map<ImageFrames, Tensor> features = new IdentityHashMap<>();

    /** (N, L, D) for the frames of {@code images}, in order, without autograd. */
    Tensor features(VisionLm vision, List<ImageFrames> images) {
        List<Tensor> parts = new ArrayList<>();
        for (ImageFrames f : images) parts.add(features.computeIfAbsent(f, k -> encode(vision, k)));
        return parts.size() == 1 ? parts.get(0) : Tensors.cat(parts, 0);
    }

    private static Tensor encode(VisionLm vision, ImageFrames f) {
        try (PointerScope scope = new PointerScope(); NoGrad ng = NoGrad.enter()) {
            Tensor pixels = Tensors.floats(f.pixels(), f.count(), 3, f.size(), f.size());
            return Tensors.retain(vision.imageFeatures(pixels).contiguous());
        }
    }

    @Override
    public void close() {
        features.values().forEach(Tensor::releaseReference);
        features.clear();
    }
}
