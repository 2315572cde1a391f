package dev.whetstone.server.api.inference;

import dev.whetstone.safety.ContentFilter;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What one request will run: a generation per job, and how to present them.
 *
 * @param prefixes     each job's echoed text ("" when none), parallel to {@code jobs}
 * @param promptTokens the request's prompt tokens (each distinct prompt once, as usage reports them)
 * @param estimate     what the quota is charged up front: prompt tokens plus every choice's token limit
 * @param promptParam  the field named when the engine rejects the prompt
 * @param select       the choices to return, in index order, from every job's (best_of keeps the best n)
 */
record Plan(List<GenerationBatch.Job> jobs, List<String> prefixes, int promptTokens, int estimate, boolean stream,
            boolean includeUsage, String promptParam, UnaryOperator<List<ChoiceState>> select) {
    Plan {
        jobs = List.copyOf(jobs);
        prefixes = List.copyOf(prefixes);
    }

    /** One state per job, each with its own gate of {@code filter}. */
    List<ChoiceState> newStates(ContentFilter filter) {
        return prefixes.stream().map(p -> new ChoiceState(p, new CompletionGate(filter))).toList();
    }
}
