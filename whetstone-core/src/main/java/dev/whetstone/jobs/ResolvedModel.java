package dev.whetstone.jobs;

import dev.whetstone.models.BaseModel;

/**
 * What a job's {@code model} names, resolved to folders.
 *
 * @param rootBase the base model name the lineage starts from (as clients know it: id or alias); new
 *                 fine-tuned models are named after it
 * @param base     that base model's folder in the models directory
 * @param initDir  the adapter or checkpoint to continue from (stored form, see {@link JobPaths}); null for a base
 */
public record ResolvedModel(String name, String rootBase, BaseModel base, String initDir) {}
