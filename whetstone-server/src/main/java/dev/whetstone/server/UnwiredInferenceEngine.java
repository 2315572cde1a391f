package dev.whetstone.server;

import dev.whetstone.engine.inference.InferenceEngine;
import dev.whetstone.engine.inference.InferenceException;
import dev.whetstone.engine.inference.ServedModel;
import dev.whetstone.engine.inference.ServingSpec;

/**
 * Placeholder while no inference engine is built into this service: every load fails with a message saying so,
 * so a deployment ends {@code Failed} with that reason instead of pretending to serve.
 */
final class UnwiredInferenceEngine implements InferenceEngine {
    @Override
    public ServedModel load(ServingSpec spec) {
        throw new InferenceException("inference engine not wired: this build of the service cannot load models for "
                + "serving yet");
    }

    @Override
    public void unload(String key) {
        // nothing is ever loaded
    }

    @Override
    public void close() {
        // nothing to free
    }
}
