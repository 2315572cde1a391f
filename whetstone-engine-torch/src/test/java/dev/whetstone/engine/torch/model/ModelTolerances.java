package dev.whetstone.engine.torch.model;

import dev.whetstone.engine.torch.demo.TinyModelFactory;
import dev.whetstone.testing.Tolerances;

/** What {@link Tolerances} needs to know about the engine's dtypes and tiny test models. */
public final class ModelTolerances {
    private ModelTolerances() {}

    /** Machine epsilon of a model precision. */
    public static double eps(Precision p) {
        return switch (p) {
            case FP32 -> Tolerances.FP32_EPS;
            case BF16, INT8 -> Tolerances.BF16_EPS;
            case FP64 -> Tolerances.FP64_EPS;
        };
    }

    /**
     * The chain of rounded reductions a hidden state or logit passes in a forward pass: the longest reduction of a
     * layer (the MLP width) once per layer.
     */
    public static long forwardOps(TinyModelFactory.Spec spec) { return (long) spec.layers() * spec.intermediate(); }
}
