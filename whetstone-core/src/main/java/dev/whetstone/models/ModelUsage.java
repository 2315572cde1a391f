package dev.whetstone.models;

import java.util.Optional;

/** Tells whether something (a deployment) still needs a fine-tuned model; deleting it then answers 409. */
@FunctionalInterface
public interface ModelUsage {
    /** A description of what uses the model (e.g. "deployment my-bot"), or empty. */
    Optional<String> activeUserOf(String modelId);

    ModelUsage NONE = id -> Optional.empty();
}
