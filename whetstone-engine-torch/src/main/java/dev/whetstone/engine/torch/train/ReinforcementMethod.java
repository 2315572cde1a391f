package dev.whetstone.engine.torch.train;

import dev.whetstone.engine.ResolvedHyperparameters;
import dev.whetstone.engine.torch.data.TokenizedExample;
import dev.whetstone.engine.torch.infer.JsonConstraint;
import dev.whetstone.engine.torch.infer.Sampler;
import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.KvCache;
import dev.whetstone.engine.torch.model.NoGrad;
import dev.whetstone.engine.torch.model.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Group-relative policy optimisation (GRPO, DeepSeekMath; TRL's {@code GRPOTrainer} with one update per sample
 * batch) for reinforcement fine-tuning.
 *
 * <p>Per step, for each prompt of the batch: sample G answers on the current weights (dropout off, temperature 1,
 * no nucleus cut, at most {@code maxAnswerTokens} tokens, ending at an end-of-sequence id, which is part of the
 * answer's tokens but not of its text), grade each answer's text with the job's grader, and normalise the rewards
 * within the group: {@code A_j = (r_j − mean) / max(std, }{@value #STD_FLOOR}{@code )} with the group's population
 * standard deviation (a group whose answers all score the same teaches nothing: its advantages are 0).
 *
 * <p>Loss, averaged over every answer token t of the step (token-level, as TRL's "bnpo"/DAPO normalisation):
 * {@code L_t = −min(ρ_t·A, clip(ρ_t, 1−ε, 1+ε)·A) + β·k3_t}, with {@code ρ_t = π(y_t)/π_old(y_t)} against the
 * sampling policy and ε = {@value #CLIP_EPSILON}. With one update per sample batch π_old is the current policy, so
 * ρ = 1 and its gradient is A·∇log π; the clipped form is kept exact (π_old is this forward's detached
 * log-probability, as TRL does for one iteration). {@code k3_t = e^{d} − d − 1}, {@code d = log π_ref(y_t) −
 * log π(y_t)} (Schulman's unbiased, non-negative KL estimator), the reference being the weights the run started
 * from (the adapter off for LoRA).
 *
 * <p>Backward: the loss is a function of each answer token's log-probability, so its gradient is
 * {@code Σ_t (∂L/∂log π_t)·∇log π_t}; the coefficients are computed in double on the host and the surrogate
 * {@code Σ_t c_t·log π_t} is back-propagated (the head too, where it is trained, through autograd).
 *
 * <p>Sampling is the engine's cached decoding ({@link CausalLm#hiddenCached}, as serving uses it) without
 * gradients: the G answers of a prompt decode as one batch over one prefilled prompt. Each answer draws from its own random stream,
 * seeded by (seed, step, prompt, answer), so a resumed run samples exactly what the uninterrupted one did.
 *
 * <p>Evaluation: one greedy answer per prompt, its mean reward (what a deployment answers at temperature 0).
 *
 * <p>With a response format ({@link FineTuneRequest.Grading#answerConstraint()}), every sampled and every greedy
 * answer is decoded under its own {@link JsonConstraint}: tokens the JSON (or schema) automaton refuses get logit
 * −∞ before sampling, and the end-of-sequence ids only once the document is complete — so the answers the policy
 * is trained on are the ones a deployment with the same {@code response_format} could produce.
 */
record ReinforcementMethod(RunPlan plan, ResolvedHyperparameters.Reinforcement settings,
                           FineTuneRequest.Grading grading, long seed) implements TrainingMethod {
    static final double STD_FLOOR = 1e-4;
    static final double CLIP_EPSILON = 0.2;

    ReinforcementMethod {
        if (grading == null) throw new IllegalArgumentException("a reinforcement run needs its grader");
    }

    /** One prompt's sampled answers and their advantages. */
    private record Group(TokenizedExample prompt, List<int[]> answers, double[] rewards, double[] advantages) {}

    @Override
    public LossStep.Stats train(Trainable t, List<TokenizedExample> batch, int step) {
        List<Group> groups = new ArrayList<>();
        long answerTokens = 0;
        t.setTraining(false);
        try {
            for (int i = 0; i < batch.size(); i++) {
                TokenizedExample prompt = batch.get(i);
                List<int[]> answers = sample(t.model(), prompt, settings.groupSize(), step, i);
                double[] rewards = grade(prompt, answers);
                groups.add(new Group(prompt, answers, rewards, advantages(rewards)));
                for (int[] a : answers) answerTokens += a.length;
            }
        } finally {
            t.setTraining(true);
        }
        if (answerTokens == 0) return null;
        LossStep.Stats stats = LossStep.Stats.ZERO;
        for (Group g : groups) {
            try (PointerScope scope = new PointerScope()) {
                stats = stats.plus(update(t, g, 1.0 / answerTokens));
            }
        }
        return stats;
    }

    @Override
    public LossStep.Stats evaluate(Trainable t, List<TokenizedExample> batch) {
        double rewardSum = 0;
        long tokens = 0;
        for (TokenizedExample prompt : batch) {
            int[] answer = decode(t.model(), prompt, List.of(new Sampler.Greedy())).get(0);
            rewardSum += grade(prompt, List.of(answer))[0];
            tokens += answer.length;
        }
        return new LossStep.Stats(0, 0, tokens, 0, 0, 0, batch.size(), rewardSum, 0);
    }

    /** Group-normalised advantages: (r − mean) / max(population std, floor). */
    static double[] advantages(double[] rewards) {
        double mean = Arrays.stream(rewards).average().orElse(0);
        double var = Arrays.stream(rewards).map(r -> (r - mean) * (r - mean)).average().orElse(0);
        double std = Math.max(Math.sqrt(var), STD_FLOOR);
        return Arrays.stream(rewards).map(r -> (r - mean) / std).toArray();
    }

    /**
     * ∂L_t/∂log π_t for one answer token, before the 1/N average: the clipped surrogate's part (−ρ·A where the
     * unclipped term is the minimum, else 0) and the KL part β·(1 − e^d).
     *
     * @param ratio π/π_old of the token
     * @param d     log π_ref − log π of the token
     */
    static double coefficient(double advantage, double ratio, double d, double beta) {
        boolean clipped = (advantage > 0 && ratio > 1 + CLIP_EPSILON) || (advantage < 0 && ratio < 1 - CLIP_EPSILON);
        return (clipped ? 0 : -advantage * ratio) + beta * (1 - Math.exp(d));
    }

    /** L_t itself (for the reported loss). */
    static double tokenLoss(double advantage, double ratio, double d, double beta) {
        double clippedRatio = Math.max(1 - CLIP_EPSILON, Math.min(1 + CLIP_EPSILON, ratio));
        return -Math.min(ratio * advantage, clippedRatio * advantage) + beta * k3(d);
    }

    /** Schulman's k3 estimate of KL(π‖π_ref) from one token: e^d − d − 1, d = log π_ref − log π. */
    static double k3(double d) { return Math.expm1(d) - d; }

    /** Forward with gradients over the group's prompt+answer rows, then backward of the surrogate. */
    private LossStep.Stats update(Trainable t, Group g, double gradScale) {
        List<TokenizedExample> rows = new ArrayList<>();
        List<Double> tokenAdvantages = new ArrayList<>();
        for (int j = 0; j < g.answers().size(); j++) {
            int[] a = g.answers().get(j);
            int[] ids = Arrays.copyOf(g.prompt().inputIds(), g.prompt().length() + a.length);
            System.arraycopy(a, 0, ids, g.prompt().length(), a.length);
            boolean[] mask = new boolean[ids.length];
            Arrays.fill(mask, g.prompt().length(), ids.length, true);
            rows.add(new TokenizedExample(ids, mask, false));
            for (int k = 0; k < a.length; k++) tokenAdvantages.add(g.advantages()[j]);
        }
        double rewardSum = Arrays.stream(g.rewards()).sum();
        long samples = g.answers().size();
        Batch b = Batch.of(rows, plan.maxLength());
        if (b.targets() == 0) return new LossStep.Stats(0, 0, 0, 0, 0, 0, samples, rewardSum, 0);
        double[] reference = t.withReference(m -> Tensors.toDoubles(tokenLogProbs(m, b).logProbs()));
        CausalLm m = t.model();
        TokenLogProbs policy = tokenLogProbs(m, b);
        double[] logp = Tensors.toDoubles(policy.logProbs().detach());
        double[] coef = new double[logp.length];
        double lossSum = 0;
        double klSum = 0;
        double beta = settings.klBeta();
        for (int k = 0; k < logp.length; k++) {
            double adv = tokenAdvantages.get(k);
            // π_old is this forward's own (detached) value: one update per sample batch, so ρ = e^0 = 1 exactly
            double ratio = 1.0;
            double d = reference[k] - logp[k];
            coef[k] = gradScale * coefficient(adv, ratio, d, beta);
            lossSum += tokenLoss(adv, ratio, d, beta);
            klSum += k3(d);
        }
        Tensor c = Tensors.doubles(coef, coef.length).to(Tensors.type(policy.logProbs()));
        policy.logProbs().mul(c).sum().backward();
        return new LossStep.Stats(lossSum, policy.correct(), logp.length, 0, 0, 0, samples, rewardSum, klSum);
    }

    /** Log-probabilities of a batch's target tokens (M) and how many of them are the arg-max. */
    private record TokenLogProbs(Tensor logProbs, long correct) {}

    private static TokenLogProbs tokenLogProbs(CausalLm m, Batch b) {
        Tensor logits = m.logits(LossStep.targetRows(m, b));                           // (M, V), fp32
        Tensor targets = b.targetIds().unsqueeze(1);                                   // (M, 1)
        long correct;
        try (NoGrad ng = NoGrad.enter()) {
            correct = logits.argmax(new org.bytedeco.pytorch.LongOptional(1), false).eq(b.targetIds()).sum()
                    .item_long();
        }
        Tensor logp = logits.log_softmax(-1).gather(1, targets).squeeze(1);            // (M)
        return new TokenLogProbs(logp, correct);
    }

    /** The grader's reward of each answer's text. */
    private double[] grade(TokenizedExample prompt, List<int[]> answers) {
        double[] r = new double[answers.size()];
        for (int j = 0; j < r.length; j++) {
            int[] a = answers.get(j);
            int end = a.length > 0 && grading.stopIds().contains(a[a.length - 1]) ? a.length - 1 : a.length;
            r[j] = grading.rewards().reward(grading.decode().apply(Arrays.copyOf(a, end)), prompt.item());
        }
        return r;
    }

    /** G answers at temperature 1, each from its own stream seeded by (seed, step, prompt, answer). */
    private List<int[]> sample(CausalLm m, TokenizedExample prompt, int g, int step, int promptIndex) {
        List<Sampler> samplers = new ArrayList<>(g);
        for (int j = 0; j < g; j++) samplers.add(Sampler.of(1.0, 1.0, streamSeed(seed, step, promptIndex, j)));
        return decode(m, prompt, samplers);
    }

    /** A distinct, well-mixed seed per answer (SplitMix64's finaliser over the four numbers). */
    static long streamSeed(long seed, int step, int prompt, int answer) {
        long z = seed;
        for (long v : new long[] {step, prompt, answer}) z = mix(z * 0x9E3779B97F4A7C15L + v);
        return z;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * One answer per sampler, decoded together without gradients through a KV cache: the prompt is prefilled once
     * for all rows, then each step feeds every row its last token. A row that ended is fed its last token again
     * (rows never attend to each other, and what it computes is dropped).
     */
    private List<int[]> decode(CausalLm m, TokenizedExample prompt, List<Sampler> samplers) {
        int rows = samplers.size();
        int promptLength = prompt.length();
        int max = Math.max(0, Math.min(settings.maxAnswerTokens(),
                Math.min(plan.maxLength(), m.config().maxPositions()) - promptLength));
        int[][] answers = new int[rows][max];
        int[] length = new int[rows];
        boolean[] done = new boolean[rows];
        int live = rows;
        // with a response format, each answer's own automaton masks its logits: valid JSON by construction, the
        // end only once the document is complete (an answer cut at max tokens stays unfinished and is graded so)
        List<JsonConstraint<?>> constraints = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            constraints.add(grading.answerConstraint() == null ? null : grading.answerConstraint().get());
        }
        long[] ids = new long[rows * promptLength];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < promptLength; i++) ids[r * promptLength + i] = prompt.inputIds()[i];
        }
        long[] start = new long[rows];
        int width = promptLength;
        try (NoGrad ng = NoGrad.enter();
             KvCache cache = new KvCache(m.config(), m.computeType(), rows, promptLength + max, promptLength + max)) {
            for (int k = 0; k < max && live > 0; k++) {
                float[] logits;
                long vocab;
                try (PointerScope scope = new PointerScope()) {
                    Tensor h = m.hiddenCached(Tensors.longs(ids, rows, width), start, cache, 0);   // (G, T, D)
                    Tensor last = m.logits(h.select(1, width - 1)).contiguous();                  // (G, V)
                    vocab = last.size(1);
                    logits = Tensors.toFloats(last.to(torch.ScalarType.Float));
                }
                for (int r = 0; r < rows; r++) start[r] += width;
                ids = new long[rows];
                width = 1;
                for (int r = 0; r < rows; r++) {
                    int next = k == 0 ? prompt.inputIds()[promptLength - 1] : answers[r][Math.max(0, length[r] - 1)];
                    if (!done[r]) {
                        float[] row = Arrays.copyOfRange(logits, (int) (r * vocab), (int) ((r + 1) * vocab));
                        JsonConstraint<?> c = constraints.get(r);
                        if (c != null) c.mask(row);
                        next = samplers.get(r).sample(row);
                        if (c != null) c.advance(next);
                        answers[r][length[r]++] = next;
                        if (grading.stopIds().contains(next)) {
                            done[r] = true;
                            live--;
                        }
                    }
                    ids[r] = next;
                }
            }
        }
        List<int[]> out = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) out.add(Arrays.copyOf(answers[r], length[r]));
        return out;
    }
}
