package dev.whetstone.engine.torch.model;

import org.bytedeco.pytorch.Tensor;

/** A trainable addition to a frozen linear layer (LoRA): its output is added to the base projection's. */
public interface LinearAdapter {
    /** The adapter's contribution for input {@code x} (…, in) → (…, out), in x's dtype. */
    Tensor delta(Tensor x);
}
