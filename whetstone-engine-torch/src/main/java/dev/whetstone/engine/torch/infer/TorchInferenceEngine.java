package dev.whetstone.engine.torch.infer;

import dev.whetstone.engine.inference.InferenceEngine;
import dev.whetstone.engine.inference.InferenceException;
import dev.whetstone.engine.inference.ServedModel;
import dev.whetstone.engine.inference.ServingSpec;
import dev.whetstone.engine.torch.TorchNatives;
import dev.whetstone.engine.torch.lora.PeftFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.pytorch.global.torch;

/**
 * The inference engine on libtorch: one copy of each weights folder shared by every deployment on it, per-sequence
 * LoRA adapters in mixed batches, continuous batching on one scheduler thread per loaded weights folder.
 *
 * <p>A deployment's {@code weightsDir} is a PEFT adapter folder (applied on {@code baseModelDir}'s shared weights)
 * or a full Hugging Face checkpoint (loaded as weights of its own); null serves the base itself.
 */
public final class TorchInferenceEngine implements InferenceEngine {
    private final InferenceOptions options;
    private final Map<Path, ServingBase> bases = new HashMap<>();
    private final Map<String, TorchServedModel> deployments = new HashMap<>();
    private boolean closed;

    public TorchInferenceEngine(InferenceOptions options) {
        this.options = options;
        try {
            TorchNatives.prepare();
        } catch (IOException e) {
            throw new InferenceException("cannot extract libtorch's native libraries: " + e.getMessage(), e);
        }
        torch.set_num_threads(options.threads());
    }

    public InferenceOptions options() { return options; }

    @Override
    public synchronized ServedModel load(ServingSpec spec) {
        if (closed) throw new InferenceException("the inference engine is closed");
        Path baseDir = spec.baseModelDir().toAbsolutePath().normalize();
        Path weights = spec.weightsDir() == null ? null : spec.weightsDir().toAbsolutePath().normalize();
        if (weights != null && !Files.isDirectory(weights)) {
            throw new InferenceException("deployment '" + spec.key() + "': weights folder " + weights
                    + " does not exist; was the model deleted?");
        }
        boolean adapter = weights != null && PeftFiles.isAdapterDir(weights);
        Path weightsDir = weights == null || adapter ? baseDir : weights;
        Path tokenizerDir = Files.isRegularFile(weightsDir.resolve("tokenizer.json")) ? weightsDir : baseDir;
        ServingBase base = bases.get(weightsDir);
        boolean fresh = base == null;
        if (fresh) base = ServingBase.load(weightsDir, tokenizerDir, options);
        LoraWeights lora;
        try {
            lora = adapter ? LoraWeights.load(weights, base.model()) : null;
        } catch (RuntimeException e) {
            if (fresh) base.close();
            throw e;
        }
        if (fresh) bases.put(weightsDir, base);
        base.acquire();
        TorchServedModel model = new TorchServedModel(spec.key(), base, lora);
        TorchServedModel previous = deployments.put(spec.key(), model);
        if (previous != null) retire(previous);
        return model;
    }

    @Override
    public synchronized void unload(String key) {
        TorchServedModel m = deployments.remove(key);
        if (m != null) retire(m);
    }

    /** Ends the deployment's generations with an error, frees its adapter, and the base once nobody uses it. */
    private void retire(TorchServedModel m) {
        m.markUnloaded();
        ServingBase base = m.base();
        base.scheduler().runBetweenSteps(() -> {
            base.scheduler().failAll(s -> s.model() == m, new InferenceException("deployment '" + m.key()
                    + "' was unloaded or replaced while this generation ran"));
            if (m.adapter() != null) m.adapter().close();
        });
        if (base.release()) {
            bases.remove(base.dir());
            base.close();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (TorchServedModel m : deployments.values()) m.markUnloaded();
        deployments.clear();
        for (ServingBase b : bases.values()) b.close();
        bases.clear();
    }
}
