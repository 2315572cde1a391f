package dev.whetstone.engine.torch.train;

import dev.whetstone.Folders;
import dev.whetstone.engine.CheckpointInfo;
import dev.whetstone.engine.StepMetrics;
import dev.whetstone.engine.TrainingException;
import dev.whetstone.engine.TrainingListener;
import dev.whetstone.engine.TrainingOutcome;
import dev.whetstone.engine.torch.data.TokenizedExample;
import dev.whetstone.engine.torch.model.NoGrad;
import dev.whetstone.engine.torch.model.TokenCrossEntropy;
import dev.whetstone.engine.torch.model.UnsupportedModelException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * One fine-tuning run over tokenized examples: the training loop with gradient accumulation, AdamW, clipping and
 * the warm-up/decay schedule; metrics per step; an epoch-end checkpoint; resume points; cancel and pause at step
 * boundaries. Runs on the calling thread.
 *
 * <p>Reproducibility: the example order of each epoch, LoRA initialisation and the dropout stream of each step
 * derive from the seed alone, and libtorch uses a fixed thread count, so equal inputs give equal metrics and a
 * resumed run continues exactly as the uninterrupted one would.
 */
public final class FineTuneRun {
    private final FineTuneRequest request;
    private final TrainingListener listener;
    private final RunPlan plan;
    private final ResumeStore store;
    private final TrainingMethod method;
    private final Validation validation;
    private final Throughput throughput;
    private Trainable trainable;
    private AdamW optimizer;
    private LrSchedule schedule;
    private long tokensSeen;
    private List<String> checkpoints = new ArrayList<>();

    private FineTuneRun(FineTuneRequest request, TrainingListener listener, RunPlan plan) {
        this.request = request;
        this.listener = listener;
        this.plan = plan;
        this.store = new ResumeStore(request.workDir());
        this.method = TrainingMethod.of(request, plan);
        this.validation = new Validation(request.validation(), plan, method, request.options().validEvery());
        this.throughput = new Throughput(plan.totalSteps());
    }

    /** Trains; returns when done, cancelled or paused. */
    public static TrainingOutcome run(FineTuneRequest request, TrainingListener listener) throws TrainingException {
        if (request.training().isEmpty()) {
            throw new TrainingException("the training file has no examples", "training_file", null);
        }
        torch.set_num_threads(request.options().threads());
        try {
            return new FineTuneRun(request, listener, RunPlan.of(request)).execute();
        } catch (UnsupportedModelException e) {
            throw new TrainingException(e.getMessage(), "model", e);
        } catch (IOException e) {
            throw new TrainingException("training failed: " + e.getMessage(), null, e);
        }
    }

    private TrainingOutcome execute() throws IOException {
        ResumeStore.State resume = store.read().orElse(null);
        if (resume != null && !resume.fingerprint().equals(plan.fingerprint())) {
            listener.onWarning("The saved resume state belongs to different data or settings; starting over.");
            resume = null;
        }
        int start = resume == null ? 0 : resume.nextStep();
        listener.onPlan(plan.toPlan(request, start));
        if (plan.truncated() > 0) {
            listener.onWarning(plan.truncated() + " training examples were longer than " + plan.maxLength()
                    + " tokens and were truncated.");
        }
        // the loss's chunk buffers are reused for the whole run (TokenCrossEntropy.Workspace)
        try (TokenCrossEntropy.Workspace lossBuffers = TokenCrossEntropy.openWorkspace();
             Trainable t = Trainable.open(request, request.seed());
             AdamW opt = new AdamW(t.parameters(), request.options().weightDecay())) {
            trainable = t;
            optimizer = opt;
            schedule = LrSchedule.of(plan.hyperparameters().learningRate(), plan.totalSteps(),
                    request.options().warmupFraction());
            if (resume != null) restore(resume);
            return loop(start);
        }
    }

    private TrainingOutcome loop(int start) throws IOException {
        for (int step = start; step < plan.totalSteps(); step++) {
            TrainingListener.Control control = listener.control();
            if (control == TrainingListener.Control.CANCEL) return outcome(TrainingOutcome.Status.CANCELLED, null);
            if (control == TrainingListener.Control.PAUSE) {
                writeResume(step);
                return outcome(TrainingOutcome.Status.PAUSED, null);
            }
            runStep(step);
        }
        Path last = checkpoints.isEmpty() ? null : request.workDir().resolve(checkpoints.get(checkpoints.size() - 1));
        return outcome(TrainingOutcome.Status.COMPLETED, last);
    }

    private void runStep(int step) throws IOException {
        long t0 = System.nanoTime();
        int epoch = step / plan.stepsPerEpoch();
        boolean epochEnd = step % plan.stepsPerEpoch() == plan.stepsPerEpoch() - 1;
        List<TokenizedExample> batch = batchAt(step);
        LossStep.Stats train = trainOn(batch, step);
        long batchTokens = batch.stream().mapToLong(e -> Batch.tokens(e, plan.maxLength())).sum();
        tokensSeen += batchTokens;
        if (plan.hyperparameters().reinforcementRun()) {
            reinforcementStep(step, epoch, epochEnd, train, batchTokens, t0);
            return;
        }
        LossStep.Stats valid = (step + 1) % request.options().validEvery() == 0 ? validation.batch(trainable, step)
                : null;
        LossStep.Stats fullValid = epochEnd ? validation.full(trainable) : null;
        throughput.record(batchTokens, (System.nanoTime() - t0) / 1e9);
        StepMetrics m = new StepMetrics(step + 1, plan.totalSteps(), epoch + 1, train.meanLoss(), train.accuracy(),
                valid == null ? null : valid.meanLoss(), valid == null ? null : valid.accuracy(),
                fullValid == null ? null : fullValid.meanLoss(), fullValid == null ? null : fullValid.accuracy(),
                tokensSeen, throughput.tokensPerSecond(), ProcessMemory.peakRssBytes(),
                throughput.etaSeconds(step + 1), reward(train, true), reward(train, false),
                valid == null ? null : reward(valid, true), valid == null ? null : reward(valid, false));
        finishStep(step, epoch, epochEnd, m);
    }

    private void finishStep(int step, int epoch, boolean epochEnd, StepMetrics m) throws IOException {
        listener.onStep(m);
        if (epochEnd) checkpoint(epoch + 1, step + 1, m);
        int every = request.options().resumeEvery();
        if (epochEnd || (every > 0 && (step + 1) % every == 0)) writeResume(step + 1);
    }

    /**
     * A reinforcement step's row: loss and token accuracy over the sampled answers' tokens, their mean reward, KL
     * estimate and length; every eval_interval steps the mean reward of greedy answers to the first eval_samples
     * validation prompts (the same prompts each time, so the curve compares like with like). No validation loss:
     * prompts have no reference answer to score.
     */
    private void reinforcementStep(int step, int epoch, boolean epochEnd, LossStep.Stats train, long batchTokens,
                                   long t0) throws IOException {
        var rl = plan.hyperparameters().reinforcement();
        Double validReward = null;
        if (!request.validation().isEmpty() && (step + 1) % rl.evalInterval() == 0) {
            List<TokenizedExample> prompts = request.validation().subList(0,
                    Math.min(rl.evalSamples(), request.validation().size()));
            trainable.setTraining(false);
            try {
                validReward = method.evaluate(trainable, prompts).rewardMean();
            } finally {
                trainable.setTraining(true);
            }
        }
        tokensSeen += train.targets();   // the sampled answers' tokens were put through the model too
        throughput.record(batchTokens + train.targets(), (System.nanoTime() - t0) / 1e9);
        StepMetrics m = new StepMetrics(step + 1, plan.totalSteps(), epoch + 1, train.meanLoss(), train.accuracy(),
                null, null, null, null, tokensSeen, throughput.tokensPerSecond(), ProcessMemory.peakRssBytes(),
                throughput.etaSeconds(step + 1), null, null, null, null, train.rewardMean(), validReward,
                train.klMean(), train.answerLength());
        finishStep(step, epoch, epochEnd, m);
    }

    /** A DPO run's reward accuracy (true) or margin (false); null for supervised runs. */
    private Double reward(LossStep.Stats stats, boolean accuracy) {
        if (!plan.hyperparameters().preference()) return null;
        return accuracy ? stats.rewardAccuracy() : stats.rewardMargin();
    }

    /** The examples of a step: slice {@code step mod stepsPerEpoch} of the epoch's seeded permutation. */
    private List<TokenizedExample> batchAt(int step) {
        int epoch = step / plan.stepsPerEpoch();
        int[] order = EpochOrder.permutation(request.training().size(), request.seed(), epoch);
        int size = plan.hyperparameters().batchSize();
        int from = (step % plan.stepsPerEpoch()) * size;
        List<TokenizedExample> batch = new ArrayList<>();
        for (int i = from; i < Math.min(order.length, from + size); i++) batch.add(request.training().get(order[i]));
        return batch;
    }

    /** The method's forward/backward over the batch, then one clipped AdamW update. */
    private LossStep.Stats trainOn(List<TokenizedExample> batch, int step) {
        torch.manual_seed(request.seed() * 1_000_003L + step);   // this step's dropout stream
        trainable.setTraining(true);
        LossStep.Stats stats = method.train(trainable, batch, step);
        if (stats == null) {
            listener.onWarning("Step " + (step + 1) + " has no trained tokens (no assistant tokens); skipped.");
            return LossStep.Stats.ZERO;
        }
        optimizer.update(schedule.at(step), request.options().maxGradNorm());
        return stats;
    }

    private void checkpoint(int epoch, int step, StepMetrics metrics) throws IOException {
        String name = "checkpoints/step-" + step;
        Path dir = request.workDir().resolve(name);
        Folders.deleteTree(dir);
        trainable.saveCheckpoint(dir);
        checkpoints.add(name); // which of them are kept is the job's CheckpointKeeper's decision, not the engine's
        listener.onCheckpoint(new CheckpointInfo(epoch, step, dir, metrics));
    }

    private void writeResume(int nextStep) throws IOException {
        try (PointerScope scope = new PointerScope()) {
            store.write(new ResumeStore.State(nextStep, tokensSeen, optimizer.steps(), plan.fingerprint(),
                    List.copyOf(checkpoints), throughput.elapsedSeconds()), trainable.parameters(), optimizer.state());
        }
        listener.onResumePoint(request.workDir().resolve(ResumeStore.DIR), nextStep);
    }

    private void restore(ResumeStore.State s) throws IOException {
        try (PointerScope scope = new PointerScope(); NoGrad ng = NoGrad.enter()) {
            Map<String, Tensor> saved = store.tensors("trainable");
            for (Map.Entry<String, Tensor> e : trainable.parameters().entrySet()) {
                Tensor v = saved.get(e.getKey());
                if (v == null) throw new IOException("resume state lacks trained tensor '" + e.getKey() + "'");
                e.getValue().copy_(v);
            }
            optimizer.load(store.tensors("optimizer"), s.optimizerSteps());
        }
        tokensSeen = s.tokensSeen();
        checkpoints = new ArrayList<>(s.checkpoints());
        throughput.resumeFrom(s.elapsedSeconds());
    }

    private TrainingOutcome outcome(TrainingOutcome.Status status, Path modelDir) {
        return new TrainingOutcome(status, modelDir, tokensSeen, plan.hyperparameters());
    }
}
