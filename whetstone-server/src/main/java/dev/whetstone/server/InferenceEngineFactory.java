package dev.whetstone.server;

import dev.whetstone.engine.inference.InferenceEngine;
import dev.whetstone.engine.torch.TorchEngine;

/** Builds the engine deployments load through; production and tests choose different ones. */
@FunctionalInterface
public interface InferenceEngineFactory {
    InferenceEngine create(ServerConfig config) throws Exception;

    /** The production engine: the torch inference engine, batch, queue, time-out and weight format as configured. */
    static InferenceEngineFactory production() {
        return config -> TorchEngine.inferenceEngine(config.serving().maxBatch(), config.serving().maxWaiting(),
                config.serving().timeout(), config.serving().weights());
    }
}
