package dev.whetstone.engine;

import java.nio.file.Path;

/**
 * A checkpoint the trainer wrote at an epoch end.
 *
 * @param dir     a PEFT adapter folder (LoRA) or a full Hugging Face checkpoint folder (full fine-tuning)
 * @param metrics the metrics of the checkpoint's step
 */
public record CheckpointInfo(int epoch, int step, Path dir, StepMetrics metrics) {}
