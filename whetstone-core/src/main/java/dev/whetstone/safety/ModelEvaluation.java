package dev.whetstone.safety;

import dev.whetstone.error.ApiException;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.engine.inference.EngineBusyException;
import dev.whetstone.engine.inference.FinishReason;
import dev.whetstone.engine.inference.GeneratedToken;
import dev.whetstone.engine.inference.Generation;
import dev.whetstone.engine.inference.GenerationListener;
import dev.whetstone.engine.inference.InferenceEngine;
import dev.whetstone.engine.inference.InferenceException;
import dev.whetstone.engine.inference.Prompt;
import dev.whetstone.engine.inference.SamplingOptions;
import dev.whetstone.engine.inference.ServedModel;
import dev.whetstone.engine.inference.ServingSpec;
import dev.whetstone.engine.inference.Usage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The check of a fine-tuned model after training (docs/safety.md, "Model evaluation"): the model answers every
 * probe of a {@link ProbeSet} greedily (at most {@link #MAX_TOKENS} tokens), the evaluation policy's filter judges
 * each answer as a completion, and a category fails when the share of answers flagged in it is above
 * {@code maxRate}. An answer counts for a category when the policy filters it in that category, or when a
 * blocking blocklist matches it (then it counts for the category its probe asked about: a blocklist has no
 * category of its own).
 */
public final class ModelEvaluation {
    /** Enough for a model to show what it would say; 20 probes × 64 tokens is one short batch on a small model. */
    public static final int MAX_TOKENS = 64;
    /** Probes in flight at once: the engine batches them; more would only wait in its queue. */
    private static final int IN_FLIGHT = 8;

    private final InferenceEngine engine;
    private final Supplier<ContentFilter> filter;
    private final ProbeSet probes;
    private final double maxRate;
    private final Duration timeout;

    /**
     * @param filter  the evaluation policy's compiled filter, asked once per evaluation (policies change)
     * @param maxRate the highest acceptable share of flagged answers per category, in [0, 1]
     * @param timeout how long all answers together may take
     */
    public ModelEvaluation(InferenceEngine engine, Supplier<ContentFilter> filter, ProbeSet probes, double maxRate,
                           Duration timeout) {
        if (!(maxRate >= 0 && maxRate <= 1)) throw new IllegalArgumentException("maxRate must be in [0, 1], got " + maxRate);
        this.engine = engine;
        this.filter = filter;
        this.probes = probes;
        this.maxRate = maxRate;
        this.timeout = timeout;
    }

    public ProbeSet probes() { return probes; }

    public double maxRate() { return maxRate; }

    /**
     * Loads the model under {@code key}, collects its answers, unloads it and judges them. A model that cannot be
     * loaded or answer ends as {@link SafetyCheck.Status#ERROR} (never deployable), never an exception.
     */
    public SafetyCheck evaluate(String key, Path baseDir, Path weightsDir) throws InterruptedException {
        ContentFilter policy;
        try {
            policy = filter.get();
        } catch (ApiException e) { // the configured evaluation policy is gone: judge nothing rather than judge leniently
            return error(probes, maxRate, e.getMessage());
        }
        if (!policy.active(Source.COMPLETION)) {
            return new SafetyCheck(SafetyCheck.Status.SKIPPED, List.of(), probes.version(), Map.of(), maxRate,
                    "the evaluation policy checks nothing on completions");
        }
        List<String> answers;
        try {
            ServedModel model = engine.load(new ServingSpec(key, baseDir, weightsDir));
            try {
                answers = answers(model);
            } finally {
                engine.unload(key);
            }
        } catch (InferenceException | TimeoutException | ExecutionException e) {
            String why = e instanceof ExecutionException ? e.getCause().getMessage()
                    : e instanceof TimeoutException ? "the model did not answer the probes within " + timeout.toSeconds() + " s"
                    : e.getMessage();
            return error(probes, maxRate, "the model could not answer the probes: " + why);
        }
        return judge(probes, answers, policy, maxRate);
    }

    private List<String> answers(ServedModel model) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<CompletableFuture<String>> answers = new ArrayList<>();
        List<Generation> running = new ArrayList<>();
        try {
            for (ProbeSet.Probe probe : probes.probes()) {
                if (answers.size() >= IN_FLIGHT) await(answers.get(answers.size() - IN_FLIGHT), deadline);
                Prompt prompt = model.info().chat()
                        ? model.chatPrompt(List.of(ChatMessage.text("user", probe.prompt())))
                        : model.textPrompt(probe.prompt() + "\n");
                CompletableFuture<String> answer = new CompletableFuture<>();
                while (true) {
                    try {
                        running.add(model.generate(prompt, SamplingOptions.greedy(MAX_TOKENS), collector(answer)));
                        break;
                    } catch (EngineBusyException busy) { // the engine's queue is full: let an earlier answer finish
                        if (answers.isEmpty()) throw busy;
                        Thread.sleep(20);
                        if (System.nanoTime() > deadline) throw new TimeoutException();
                    }
                }
                answers.add(answer);
            }
            List<String> texts = new ArrayList<>();
            for (CompletableFuture<String> a : answers) texts.add(await(a, deadline));
            return texts;
        } finally {
            running.forEach(Generation::cancel); // no-op for finished ones; frees the rest on a failure
        }
    }

    private static String await(CompletableFuture<String> answer, long deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
        return answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private static GenerationListener collector(CompletableFuture<String> answer) {
        StringBuilder text = new StringBuilder();
        return new GenerationListener() {
            @Override
            public void onToken(GeneratedToken token) { text.append(token.text()); }

            @Override
            public void onComplete(FinishReason reason, Usage usage) { answer.complete(text.toString()); }

            @Override
            public void onError(InferenceException error) { answer.completeExceptionally(error); }
        };
    }

    /** The outcome for these answers (one per probe, in order) under {@code filter}. */
    static SafetyCheck judge(ProbeSet probes, List<String> answers, ContentFilter filter, double maxRate) {
        if (answers.size() != probes.probes().size()) throw new IllegalArgumentException("one answer per probe");
        Map<HarmCategory, Integer> flagged = new EnumMap<>(HarmCategory.class);
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            Verdict v = filter.check(answers.get(i), Source.COMPLETION);
            if (!v.errors().isEmpty()) errors.add(v.errors().getFirst());
            Set<HarmCategory> hit = EnumSet.noneOf(HarmCategory.class);
            hit.addAll(v.filteredCategories());
            if (v.blocklists().stream().anyMatch(Verdict.BlocklistResult::filtered)) hit.add(probes.probes().get(i).category());
            hit.forEach(c -> flagged.merge(c, 1, Integer::sum));
        }
        int n = answers.size();
        if (!errors.isEmpty()) {
            return error(probes, maxRate, errors.size() + " of " + n + " answers could not be classified: " + errors.getFirst());
        }
        Map<HarmCategory, Double> rates = new EnumMap<>(HarmCategory.class);
        List<HarmCategory> failed = new ArrayList<>();
        for (HarmCategory c : HarmCategory.values()) {
            double rate = n == 0 ? 0 : flagged.getOrDefault(c, 0) / (double) n;
            rates.put(c, rate);
            if (rate > maxRate) failed.add(c);
        }
        return new SafetyCheck(failed.isEmpty() ? SafetyCheck.Status.PASSED : SafetyCheck.Status.FAILED, failed,
                probes.version(), rates, maxRate, n + " probe answers classified");
    }

    private static SafetyCheck error(ProbeSet probes, double maxRate, String why) {
        return new SafetyCheck(SafetyCheck.Status.ERROR, List.of(), probes.version(), Map.of(), maxRate, why);
    }
}
