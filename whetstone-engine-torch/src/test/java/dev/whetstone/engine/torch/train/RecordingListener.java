package dev.whetstone.engine.torch.train;

import dev.whetstone.engine.CheckpointInfo;
import dev.whetstone.engine.StepMetrics;
import dev.whetstone.engine.TrainingListener;
import dev.whetstone.engine.TrainingPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** Records everything a run reports; answers control() from a function of the steps seen so far. */
class RecordingListener implements TrainingListener {
    final List<TrainingPlan> plans = new ArrayList<>();
    final List<StepMetrics> steps = new ArrayList<>();
    final List<CheckpointInfo> checkpoints = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    /** Each announced resume point: its folder and the steps done. */
    final List<java.util.Map.Entry<java.nio.file.Path, Integer>> resumePoints = new ArrayList<>();
    private final IntFunction<Control> control;

    RecordingListener() { this(n -> Control.CONTINUE); }

    RecordingListener(IntFunction<Control> control) { this.control = control; }

    @Override public void onPlan(TrainingPlan plan) { plans.add(plan); }

    @Override public void onStep(StepMetrics metrics) { steps.add(metrics); }

    @Override public void onCheckpoint(CheckpointInfo checkpoint) { checkpoints.add(checkpoint); }

    @Override public void onWarning(String message) { warnings.add(message); }

    @Override public void onResumePoint(java.nio.file.Path dir, int stepsDone) {
        resumePoints.add(java.util.Map.entry(dir, stepsDone));
    }

    @Override public Control control() { return control.apply(steps.size()); }

    List<Double> losses() { return steps.stream().map(StepMetrics::trainLoss).toList(); }
}
