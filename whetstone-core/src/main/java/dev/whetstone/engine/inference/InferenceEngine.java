package dev.whetstone.engine.inference;

/**
 * Serves deployed models. Implemented by the torch engine ({@code …engine.torch.infer}); the deployment service
 * loads and unloads through it and the inference API generates through the {@link ServedModel}s it returns.
 *
 * <p>Base weights are loaded once per base model folder and shared by every deployment of that base; each
 * deployment of a LoRA model adds only its adapter, applied per sequence, so requests for different adapters of
 * one base share a batch.
 */
public interface InferenceEngine extends AutoCloseable {
    /**
     * Makes {@code spec} servable under {@code spec.key()}; blocks until the weights are loaded. Loading the same key
     * again replaces what it served.
     *
     * @throws InferenceException when the weights cannot be loaded (the message says which file and why)
     */
    ServedModel load(ServingSpec spec) throws InferenceException;

    /**
     * Stops serving {@code key}: running generations for it end with an error, its adapter is freed, and the base
     * weights too once no key uses them. Unknown keys are ignored.
     */
    void unload(String key);

    /** Frees everything; pending generations end with an error. */
    @Override
    void close();
}
