package dev.whetstone.server;

import dev.whetstone.engine.inference.InferenceEngine;

/** Builds the engine deployments load through; production and tests choose different ones. */
@FunctionalInterface
public interface InferenceEngineFactory {
    InferenceEngine create(ServerConfig config) throws Exception;

    /**
     * The production engine. Until the torch inference engine is merged this is {@link UnwiredInferenceEngine},
     * whose loads fail (deployments end {@code Failed} saying so); at the merge this becomes
     * {@code config -> new TorchInferenceEngine(...)}.
     */
    static InferenceEngineFactory production() {
        return config -> new UnwiredInferenceEngine();
    }
}
