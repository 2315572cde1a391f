package dev.whetstone.engine.torch.train;

import dev.whetstone.engine.AutoHyperparameters;
import dev.whetstone.engine.ResolvedHyperparameters;
import dev.whetstone.engine.TrainingPlan;
import dev.whetstone.engine.TrainingSpec;
import dev.whetstone.engine.torch.data.TokenizedExample;
import dev.whetstone.engine.torch.lora.PeftFiles;
import dev.whetstone.engine.torch.model.ModelConfig;
import dev.whetstone.engine.torch.model.Precision;
import dev.whetstone.engine.torch.vision.Idefics3Config;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** What a run will do, decided before the model is loaded. */
record RunPlan(ResolvedHyperparameters hyperparameters, int stepsPerEpoch, int totalSteps, int maxLength,
               long trainingTokens, int truncated, MicroBatcher microBatcher, String fingerprint) {

    /** Auto batches are bounded by 8 micro-batches of typical (median-length) examples. */
    private static final int AUTO_BATCH_ACCUMULATION = 8;

    static RunPlan of(FineTuneRequest r) throws IOException {
        boolean initIsFull = r.initDir() != null && !PeftFiles.isAdapterDir(r.initDir());
        ModelConfig config = ModelConfig.read(initIsFull ? r.initDir() : r.baseModelDir());
        int maxLength = Math.min(r.options().maxSequenceLength(), config.maxPositions());
        Precision compute = computePrecision(r);
        int elementBytes = compute.dtype().bytes();
        MicroBatcher mb = new MicroBatcher(config, elementBytes, r.options().activationMemoryBytes(), maxLength);
        List<TokenizedExample> train = r.training();
        int median = train.stream().mapToInt(TokenizedExample::length).sorted().skip(train.size() / 2).findFirst()
                .orElse(1);
        ResolvedHyperparameters hp = AutoHyperparameters.resolve(r.hyperparameters(), train.size(), r.method(),
                mb.sequencesAt(median) * AUTO_BATCH_ACCUMULATION);
        int stepsPerEpoch = (train.size() + hp.batchSize() - 1) / hp.batchSize();
        long tokens = 0;
        int truncated = 0;
        for (TokenizedExample e : train) {
            tokens += Batch.tokens(e, maxLength);
            if (e.anyTruncated() || e.length() > maxLength || (e.rejected() != null && e.rejected().length() > maxLength)) {
                truncated++;
            }
        }
        return new RunPlan(hp, stepsPerEpoch, stepsPerEpoch * hp.nEpochs(), maxLength, tokens, truncated, mb,
                fingerprint(r, hp, maxLength, compute));
    }

    TrainingPlan toPlan(FineTuneRequest r, int startStep) {
        return new TrainingPlan(hyperparameters, r.training().size(), r.validation().size(), trainingTokens, truncated,
                stepsPerEpoch, totalSteps, startStep);
    }

    /**
     * The dtype the run computes activations in: full fine-tuning's (vision models: fp32), or the frozen base's. Part
     * of the fingerprint, so a resume never continues with other arithmetic.
     */
    static Precision computePrecision(FineTuneRequest r) throws IOException {
        if (r.method() != TrainingSpec.Method.FULL) return r.options().frozenPrecision();
        return Idefics3Config.isVisionModel(r.initDir() != null && !PeftFiles.isAdapterDir(r.initDir())
                ? r.initDir() : r.baseModelDir()) ? Precision.FP32 : r.options().fullPrecision();
    }

    /** SHA-256 over everything that determines the run's result. */
    private static String fingerprint(FineTuneRequest r, ResolvedHyperparameters hp, int maxLength,
                                      Precision compute) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            String head = r.method() + "|" + r.seed() + "|" + hp + "|" + maxLength + "|" + name(r.baseModelDir())
                    + "|" + name(r.initDir()) + "|" + r.options().lora() + "|" + r.options().packing()
                    + "|" + compute;
            md.update(head.getBytes(StandardCharsets.UTF_8));
            digest(md, r.training());
            md.update((byte) '|');
            digest(md, r.validation());
            return HexFormat.of().formatHex(md.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    private static void digest(MessageDigest md, List<TokenizedExample> examples) {
        for (TokenizedExample e : examples) {
            digest(md, e);
            if (e.rejected() != null) digest(md, e.rejected());
        }
    }

    private static void digest(MessageDigest md, TokenizedExample e) {
        ByteBuffer b = ByteBuffer.allocate(5 * e.length() + 4);
        b.putInt(e.length());
        for (int i = 0; i < e.length(); i++) b.putInt(e.inputIds()[i]).put((byte) (e.lossMask()[i] ? 1 : 0));
        md.update(b.array());
        if (e.images() != null) {
            ByteBuffer p = ByteBuffer.allocate(4 * e.images().pixels().length);
            for (float v : e.images().pixels()) p.putFloat(v);
            md.update(p.array());
        }
    }

    private static String name(Path p) { return p == null ? "" : String.valueOf(p.getFileName()); }
}
