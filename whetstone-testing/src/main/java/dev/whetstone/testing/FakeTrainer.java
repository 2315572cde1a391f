package dev.whetstone.testing;

import dev.whetstone.data.ChatExample;
import dev.whetstone.data.PreferenceExample;
import dev.whetstone.data.PromptCompletionExample;
import dev.whetstone.data.ReinforcementExample;
import dev.whetstone.data.TokenEstimate;
import dev.whetstone.data.TrainingExample;
import dev.whetstone.engine.AutoHyperparameters;
import dev.whetstone.engine.CheckpointInfo;
import dev.whetstone.engine.ResolvedHyperparameters;
import dev.whetstone.engine.StepMetrics;
import dev.whetstone.engine.Trainer;
import dev.whetstone.engine.TrainingException;
import dev.whetstone.engine.TrainingListener;
import dev.whetstone.engine.TrainingOutcome;
import dev.whetstone.engine.TrainingPlan;
import dev.whetstone.engine.TrainingSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Trainer} for service and API tests: deterministic losses from the seed, a tiny fake adapter folder
 * per checkpoint, control() honoured before every step, and a resume state in the work folder (written every
 * {@value #RESUME_EVERY} steps and at each epoch end) that a later run continues from, like the real trainer.
 * Test hooks hold it before a step, fail it, or crash it (an {@link Error}, as a dying process would).
 */
public final class FakeTrainer implements Trainer {
    static final int RESUME_EVERY = 4;
    private static final String RESUME_FILE = "fake-resume-step";

    /** What a crash of the process looks like to the code around the trainer: nothing gets to clean up. */
    public static final class SimulatedCrash extends Error {
        public SimulatedCrash(int step) { super("simulated crash after step " + step); }
    }

    private final List<TrainingSpec> specs = new CopyOnWriteArrayList<>();
    private volatile int crashAfterStep = -1;
    private volatile int failAtStep = -1;
    private volatile String failParam;
    private volatile int holdBeforeStep = -1;
    private volatile CountDownLatch holding = new CountDownLatch(1);
    private volatile CountDownLatch released = new CountDownLatch(1);
    private volatile Duration stepDelay = Duration.ZERO;
    private final CountDownLatch crashed = new CountDownLatch(1);

    /** Every spec {@link #train} was called with, in order. */
    public List<TrainingSpec> specs() { return List.copyOf(specs); }

    /** The next run that reaches {@code step} throws {@link SimulatedCrash} right after reporting it. */
    public FakeTrainer crashAfterStep(int step) { crashAfterStep = step; return this; }

    /** The next run that reaches {@code step} throws a TrainingException naming {@code param}. */
    /** Waits until a run has crashed; false on time-out. */
    public boolean awaitCrash(Duration timeout) throws InterruptedException {
        return crashed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public FakeTrainer failAtStep(int step, String param) { failAtStep = step; failParam = param; return this; }

    public FakeTrainer stepDelay(Duration delay) { stepDelay = delay; return this; }

    /** Blocks the run before {@code step} (before its control() poll) until {@link #release()}. */
    public FakeTrainer holdBeforeStep(int step) {
        holding = new CountDownLatch(1);
        released = new CountDownLatch(1);
        holdBeforeStep = step;
        return this;
    }

    /** Waits until a run is held; false on time-out. */
    public boolean awaitHeld(Duration timeout) throws InterruptedException {
        return holding.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void release() {
        holdBeforeStep = -1;
        released.countDown();
    }

    @Override
    public TrainingOutcome train(TrainingSpec spec, TrainingListener listener) throws TrainingException {
        specs.add(spec);
        checkInputs(spec);
        ResolvedHyperparameters h = resolve(spec);
        int stepsPerEpoch = (spec.training().size() + h.batchSize() - 1) / h.batchSize();
        int total = stepsPerEpoch * h.nEpochs();
        long tokens = spec.training().stream().mapToLong(FakeTrainer::tokens).sum();
        int start = readResume(spec.workDir());
        listener.onPlan(new TrainingPlan(h, spec.training().size(), spec.validation().size(), tokens, 0, stepsPerEpoch,
                total, start));
        for (int step = start + 1; step <= total; step++) {
            hold(step);
            switch (listener.control()) {
                case CANCEL -> { return new TrainingOutcome(TrainingOutcome.Status.CANCELLED, null, 0, h); }
                case PAUSE -> {
                    writeResume(spec.workDir(), step - 1, listener);
                    return new TrainingOutcome(TrainingOutcome.Status.PAUSED, null, 0, h);
                }
                case CONTINUE -> { }
            }
            if (step == failAtStep) {
                failAtStep = -1;
                throw new TrainingException("Fake failure at step " + step + ".", failParam, null);
            }
            pause(stepDelay);
            StepMetrics m = metrics(spec, step, total, stepsPerEpoch, tokens);
            listener.onStep(m);
            if (step % stepsPerEpoch == 0) {
                Path dir = writeAdapter(spec, spec.workDir().resolve("checkpoints").resolve("step-" + step));
                listener.onCheckpoint(new CheckpointInfo(step / stepsPerEpoch, step, dir, m));
                writeResume(spec.workDir(), step, listener);
            } else if (step % RESUME_EVERY == 0) {
                writeResume(spec.workDir(), step, listener);
            }
            if (step == crashAfterStep) {
                crashAfterStep = -1;
                crashed.countDown();
                throw new SimulatedCrash(step);
            }
        }
        Path model = writeAdapter(spec, spec.workDir().resolve("final"));
        return new TrainingOutcome(TrainingOutcome.Status.COMPLETED, model, tokens * h.nEpochs(), h);
    }

    private static void checkInputs(TrainingSpec spec) throws TrainingException {
        if (!Files.isDirectory(spec.baseModelDir())) {
            throw new TrainingException("Base model folder " + spec.baseModelDir().getFileName() + " is missing.", "model", null);
        }
        if (spec.initAdapterDir() != null && !Files.isDirectory(spec.initAdapterDir())) {
            throw new TrainingException("Adapter folder to continue from is missing.", "model", null);
        }
        if (spec.training().isEmpty()) throw new TrainingException("No training examples.", "training_file", null);
    }

    static ResolvedHyperparameters resolve(TrainingSpec spec) {
        TrainingSpec.Hyperparameters r = spec.hyperparameters();
        int epochs = r.nEpochs() != null ? r.nEpochs() : 3;
        int batch = r.batchSize() != null ? r.batchSize() : Math.max(1, spec.training().size() / 10);
        double multiplier = r.learningRateMultiplier() != null ? r.learningRateMultiplier() : 1.0;
        double rate = AutoHyperparameters.baseLearningRate(spec.method()) * multiplier;
        if (r.reinforcement() != null) {
            // the real rule, so API tests see the numbers a real run reports
            return AutoHyperparameters.resolve(r, spec.training().size(), spec.method(), Integer.MAX_VALUE);
        }
        if (r.dpo() == null) return new ResolvedHyperparameters(epochs, batch, multiplier, rate);
        return new ResolvedHyperparameters(epochs, batch, multiplier, rate / AutoHyperparameters.DPO_RATE_DIVISOR,
                r.dpo().beta() != null ? r.dpo().beta() : AutoHyperparameters.DPO_BETA, 0.0);
    }

    /** Loss falls smoothly from about 2.5, with a little seed-dependent noise: the same seed gives the same curve. */
    static StepMetrics metrics(TrainingSpec spec, int step, int total, int stepsPerEpoch, long tokens) {
        double noise = new java.util.Random(spec.seed() * 1_000_003L + step).nextDouble() * 0.05;
        double loss = 2.5 * Math.exp(-3.0 * step / total) + noise;
        double accuracy = Math.max(0, Math.min(1, 1 - loss / 3));
        boolean validated = !spec.validation().isEmpty();
        boolean epochEnd = step % stepsPerEpoch == 0;
        Double valid = validated ? loss + 0.1 : null;
        Double validAcc = validated ? accuracy - 0.02 : null;
        long seen = tokens * step / stepsPerEpoch;
        boolean dpo = spec.hyperparameters().preference();
        if (spec.hyperparameters().reinforcementRun()) {
            // a reward rising as the loss falls; validation reward at every step with validation prompts
            double reward = Math.max(0, Math.min(1, 1 - loss / 2.5));
            return new StepMetrics(step, total, (step - 1) / stepsPerEpoch + 1, loss, accuracy, null, null, null,
                    null, seen, 1000.0, Runtime.getRuntime().totalMemory(), (total - step) * 0.01, null, null, null,
                    null, reward, validated ? reward : null, 0.01 * step, 16.0);
        }
        return new StepMetrics(step, total, (step - 1) / stepsPerEpoch + 1, loss, accuracy, valid, validAcc,
                validated && epochEnd ? loss + 0.05 : null, validated && epochEnd ? accuracy - 0.01 : null,
                seen, 1000.0, Runtime.getRuntime().totalMemory(), (total - step) * 0.01,
                dpo ? accuracy : null, dpo ? 2.5 - loss : null, dpo && validated ? validAcc : null,
                dpo && validated ? 2.4 - loss : null);
    }

    private void hold(int step) {
        if (step != holdBeforeStep) return;
        holding.countDown();
        try {
            if (!released.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("FakeTrainer held for 30 s; release() was never called");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause(Duration d) {
        if (d.isZero()) return;
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long tokens(TrainingExample e) {
        int chars = switch (e) {
            case ChatExample c -> c.messages().stream().mapToInt(m -> m.text().length()).sum();
            case PromptCompletionExample p -> p.prompt().length() + p.completion().length();
            case PreferenceExample p -> (int) Math.min(Integer.MAX_VALUE, 4 * TokenEstimate.of(p));
            case ReinforcementExample r -> (int) Math.min(Integer.MAX_VALUE, 4 * TokenEstimate.of(r));
        };
        return chars / 4 + 1;
    }

    private static Path writeAdapter(TrainingSpec spec, Path dir) throws TrainingException {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("adapter_config.json"), "{\"peft_type\":\"LORA\",\"r\":8,\"lora_alpha\":16,"
                    + "\"base_model_name_or_path\":\"" + spec.baseModelDir().getFileName() + "\",\"seed\":" + spec.seed() + "}");
            Files.write(dir.resolve("adapter_model.safetensors"), FakeModels.emptySafetensors());
            return dir;
        } catch (IOException e) {
            throw new TrainingException("Could not write the adapter: " + e.getMessage(), null, e);
        }
    }

    private static int readResume(Path workDir) throws TrainingException {
        Path file = workDir.resolve(Trainer.RESUME_FOLDER).resolve(RESUME_FILE);
        try {
            return Files.exists(file) ? Integer.parseInt(Files.readString(file).strip()) : 0;
        } catch (IOException | NumberFormatException e) {
            throw new TrainingException("Resume state unreadable: " + e.getMessage(), null, e);
        }
    }

    /** The resume point in {@code workDir/resume}, announced to the listener as the real trainer does. */
    private static void writeResume(Path workDir, int step, TrainingListener listener) throws TrainingException {
        try {
            Path dir = Files.createDirectories(workDir.resolve(Trainer.RESUME_FOLDER));
            Path tmp = dir.resolve(RESUME_FILE + ".tmp");
            Files.writeString(tmp, Integer.toString(step));
            Files.move(tmp, dir.resolve(RESUME_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            listener.onResumePoint(dir, step);
        } catch (IOException e) {
            throw new TrainingException("Could not write the resume state: " + e.getMessage(), null, e);
        }
    }
}
