package dev.whetstone.engine.torch.train;

import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.engine.torch.lora.LoraConfig;
import dev.whetstone.engine.torch.lora.LoraModel;
import dev.whetstone.engine.torch.lora.PeftFiles;
import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.HfCheckpoint;
import dev.whetstone.engine.torch.model.LoadOptions;
import dev.whetstone.engine.torch.model.NoGrad;
import dev.whetstone.engine.torch.model.UnsupportedModelException;
import dev.whetstone.engine.torch.vision.Idefics3Config;
import dev.whetstone.engine.torch.vision.VisionCheckpoint;
import dev.whetstone.engine.torch.vision.VisionLm;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.bytedeco.pytorch.Tensor;

/** The model being trained and what of it is trained: LoRA adapters on a frozen base, or every weight. */
sealed interface Trainable extends AutoCloseable {
    CausalLm model();

    /** Trained tensors by the name they are saved under. */
    Map<String, Tensor> parameters();

    /** The vision-language model whose decoder {@link #model()} is, or null for a text model. */
    VisionLm vision();

    /** Whether gradients flow into the vision side (connector or encoder). */
    boolean visionTrained();

    /** The run's cache of frozen image features (used when {@link #visionTrained()} is false). */
    default ImageFeatureCache imageFeatures() {
        throw new IllegalStateException("no image feature cache: not a frozen vision model");
    }

    /** Whether the output projection is trained (its gradient comes from the hand-written loss backward). */
    boolean headTrainable();

    /** Dropout on while training, off for evaluation. */
    void setTraining(boolean on);

    /**
     * Runs {@code work} without gradients on the reference model: the weights the run started from (DPO,
     * reinforcement's KL). LoRA: this model with its adapters switched off; full fine-tuning: a frozen copy loaded
     * for preference and reinforcement runs.
     */
    <T> T withReference(Function<CausalLm, T> work);

    /** Writes the user-visible checkpoint: a PEFT adapter folder or a Hugging Face model folder. */
    void saveCheckpoint(Path dir) throws IOException;

    @Override
    void close();

    /**
     * Loads the model for a run. Continuous fine-tuning: a PEFT adapter in {@code initDir} is merged into the base
     * first; a full checkpoint there replaces the base.
     */
    static Trainable open(FineTuneRequest r, long seed) throws IOException {
        boolean initIsAdapter = r.initDir() != null && PeftFiles.isAdapterDir(r.initDir());
        Path base = r.initDir() != null && !initIsAdapter ? r.initDir() : r.baseModelDir();
        boolean full = r.method() == TrainingSpec.Method.FULL;
        if (Idefics3Config.isVisionModel(base)) return openVision(r, seed, base, full, initIsAdapter);
        LoadOptions training = full ? LoadOptions.fullTraining(r.options().fullPrecision())
                : new LoadOptions(r.options().frozenPrecision(), false);
        CausalLm model = CausalLm.load(base, training);
        CausalLm reference = null;
        try {
            if (initIsAdapter) LoraModel.load(model, r.initDir()).mergeIntoBase();
            if (full && (r.hyperparameters().preference() || r.hyperparameters().reinforcementRun())) {
                // the policy's own precisions, so that policy and reference agree exactly before the first update
                reference = CausalLm.load(base, new LoadOptions(training.precision(), false, training.compute()));
                if (initIsAdapter) LoraModel.load(reference, r.initDir()).mergeIntoBase();
            }
            if (full) return new Full(model, reference);
            LoraConfig cfg = r.options().lora() != null ? r.options().lora()
                    : LoraConfig.defaults(model.config().architecture());
            // -Dwhetstone.stackedLora=true: stacked q/k/v and gate/up products, their adapters stacked too
            // (FusedLinear#forward). Off by default: 3–8 % faster and ~130 MB smaller, but its other rounding order
            // trains another adapter, and the tool-calling workflow's tiny model then answered PST for "Time in
            // JST?" (BENCHMARKS.md #19) — a near tie that also flips with the CPU's rounding (ToolCallingWorkflowTest
            // no longer asserts that copy), so not a defect of the stacked form; making it the default is undecided.
            if (Boolean.getBoolean("whetstone.stackedLora")) model.fuseProjections();
            return new Lora(model, LoraModel.attach(model, cfg, seed), initIsAdapter ? r.initDir() : null);
        } catch (IOException | RuntimeException e) {
            model.close();
            if (reference != null) reference.close();
            throw e;
        }
    }

    /**
     * A vision-language model: LoRA on the decoder's projections with encoder and connector frozen, or full
     * fine-tuning of decoder and connector (the encoder stays frozen). Preference (DPO) runs are text-only.
     */
    private static Trainable openVision(FineTuneRequest r, long seed, Path base, boolean full, boolean initIsAdapter)
            throws IOException {
        if (r.hyperparameters().preference()) {
            throw new UnsupportedModelException("preference (DPO) training of vision-language models is not"
                    + " supported; use supervised fine-tuning");
        }
        VisionLm vision = VisionLm.load(base, full ? LoadOptions.fullTraining()
                : new LoadOptions(r.options().frozenPrecision(), false), full, false);
        try {
            if (initIsAdapter) LoraModel.load(vision.text(), r.initDir()).mergeIntoBase();
            if (full) return new Full(vision.text(), null, vision);
            LoraConfig cfg = r.options().lora() != null ? r.options().lora()
                    : LoraConfig.defaults(vision.text().config().architecture());
            return new Lora(vision.text(), LoraModel.attach(vision.text(), cfg, seed),
                    initIsAdapter ? r.initDir() : null, vision);
        } catch (IOException | RuntimeException e) {
            vision.close();
            throw e;
        }
    }

    /** LoRA: adapters trained, base frozen; {@code stackOn} is the merged earlier adapter, if any. */
    record Lora(CausalLm model, LoraModel lora, Path stackOn, VisionLm vision, ImageFeatureCache imageFeatures)
            implements Trainable {
        Lora(CausalLm model, LoraModel lora, Path stackOn) { this(model, lora, stackOn, null, null); }

        Lora(CausalLm model, LoraModel lora, Path stackOn, VisionLm vision) {
            this(model, lora, stackOn, vision, vision == null ? null : new ImageFeatureCache());
        }

        public boolean visionTrained() { return false; }

        public Map<String, Tensor> parameters() { return lora.trainableParameters(); }

        public boolean headTrainable() { return false; }

        public void setTraining(boolean on) { lora.setTraining(on); }

        public <T> T withReference(Function<CausalLm, T> work) {
            lora.setEnabled(false);
            try (NoGrad ng = NoGrad.enter()) {
                return work.apply(model);
            } finally {
                lora.setEnabled(true);
            }
        }

        public void saveCheckpoint(Path dir) throws IOException {
            if (stackOn == null) lora.save(dir); else lora.saveStackedOn(stackOn, dir);
        }

        public void close() {
            lora.close();
            model.close();
            if (imageFeatures != null) imageFeatures.close();
            if (vision != null) vision.close();
        }
    }

    /**
     * Full fine-tuning: every weight trained as an fp32 master (a vision model's encoder excepted), computed in fp32
     * or bf16 ({@link TrainingOptions#fullPrecision()}; vision models in fp32); {@code reference} the frozen start
     * for DPO, else null.
     */
    record Full(CausalLm model, CausalLm reference, VisionLm vision) implements Trainable {
        Full(CausalLm model, CausalLm reference) { this(model, reference, null); }

        public boolean visionTrained() { return vision != null; }

        public Map<String, Tensor> parameters() {
            if (vision == null) return model.parameters();
            Map<String, Tensor> trained = new java.util.LinkedHashMap<>();
            vision.parameters().forEach((name, t) -> { if (t.requires_grad()) trained.put(name, t); });
            return trained;
        }

        public boolean headTrainable() { return true; }

        public void setTraining(boolean on) {}

        public <T> T withReference(Function<CausalLm, T> work) {
            if (reference == null) throw new IllegalStateException("no reference model: not a preference run");
            try (NoGrad ng = NoGrad.enter()) {
                return work.apply(reference);
            }
        }

        public void saveCheckpoint(Path dir) throws IOException {
            if (vision != null) VisionCheckpoint.save(vision, dir); else HfCheckpoint.save(model, dir);
        }

        public void close() {
            model.close();
            if (reference != null) reference.close();
            if (vision != null) vision.close();
        }
    }
}
