package dev.whetstone.data.prepare;

import java.util.function.Consumer;

/**
 * A change a finding suggests, applied only when the user accepts it.
 *
 * @param question what accepting does, phrased for a y/n prompt: "Remove the 3 duplicated rows?"
 * @param apply    the change
 */
public record Fix(String question, Consumer<Dataset> apply) {}
