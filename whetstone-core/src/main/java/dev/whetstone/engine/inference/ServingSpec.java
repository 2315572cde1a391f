package dev.whetstone.engine.inference;

import java.nio.file.Path;

/**
 * What one deployment serves.
 *
 * @param key          the deployment's identity in the engine (its name)
 * @param baseModelDir the Hugging Face base model folder
 * @param weightsDir   a PEFT adapter folder applied on that base, or a full Hugging Face checkpoint that replaces it
 *                     (full fine-tuning); null to serve the base itself
 */
public record ServingSpec(String key, Path baseModelDir, Path weightsDir) {}
