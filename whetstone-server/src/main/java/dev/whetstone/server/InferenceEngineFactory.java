package dev.whetstone.server;

import dev.whetstone.engine.inference.InferenceEngine;
import dev.whetstone.engine.torch.infer.InferenceOptions;
import dev.whetstone.engine.torch.infer.TorchInferenceEngine;

/** Builds the engine deployments load through; production and tests choose different ones. */
@FunctionalInterface
public interface InferenceEngineFactory {
    InferenceEngine create(ServerConfig config) throws Exception;

    /** The production engine: the torch inference engine with its defaults (docs/deployments.md). */
    static InferenceEngineFactory production() {
        return config -> new TorchInferenceEngine(InferenceOptions.defaults());
    }
}
