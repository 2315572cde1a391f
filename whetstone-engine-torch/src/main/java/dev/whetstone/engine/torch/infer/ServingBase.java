package dev.whetstone.engine.torch.infer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whetstone.engine.inference.InferenceException;
import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.LoadOptions;
import dev.whetstone.engine.torch.model.ModelConfig;
import dev.whetstone.engine.torch.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * One loaded set of model weights (a base model folder, or a full fine-tuned checkpoint) with its tokenizer, KV
 * cache and scheduler thread, shared by every deployment on it.
 */
final class ServingBase implements AutoCloseable {
    private final Path dir;
    private final ModelStep step;
    private final HfTokenizer tokenizer;
    private final Set<Integer> eosIds;
    private final int contextLength;
    private final Scheduler scheduler;
    private int users;

    private ServingBase(Path dir, ModelStep step, HfTokenizer tokenizer, Set<Integer> eosIds, int contextLength,
                        Scheduler scheduler) {
        this.dir = dir;
        this.step = step;
        this.tokenizer = tokenizer;
        this.eosIds = Set.copyOf(eosIds);
        this.contextLength = contextLength;
        this.scheduler = scheduler;
    }

    /**
     * Loads the weights of {@code dir} and the tokenizer of {@code tokenizerDir} and starts the scheduler.
     *
     * @throws InferenceException naming the folder and the reason
     */
    static ServingBase load(Path dir, Path tokenizerDir, InferenceOptions o) {
        CausalLm model = null;
        HfTokenizer tokenizer = null;
        try {
            model = CausalLm.load(dir, new LoadOptions(o.precision(), false));
            tokenizer = HfTokenizer.load(tokenizerDir);
            ModelConfig c = model.config();
            int context = Math.min(o.maxContext(), c.maxPositions());
            ModelStep step = new ModelStep(model, o.maxBatch(), context);
            Scheduler scheduler = new Scheduler(step, dir.getFileName().toString(), o.maxBatch(), o.maxWaiting(),
                    o.maxGenerationTime());
            ServingBase base = new ServingBase(dir, step, tokenizer, eosIds(dir, c, tokenizer), context, scheduler);
            scheduler.start();
            return base;
        } catch (IOException | RuntimeException e) {
            if (tokenizer != null) tokenizer.close();
            if (model != null) model.close();
            if (e instanceof InferenceException ie) throw ie;
            throw new InferenceException("cannot load the model in " + dir + ": " + e.getMessage(), e);
        }
    }

    static Set<Integer> eosIds(Path dir, ModelConfig c, HfTokenizer tokenizer) throws IOException {
        return EosIds.of(dir, c, tokenizer);
    }

    Path dir() { return dir; }

    CausalLm model() { return step.model(); }

    HfTokenizer tokenizer() { return tokenizer; }

    Set<Integer> eosIds() { return eosIds; }

    int contextLength() { return contextLength; }

    Scheduler scheduler() { return scheduler; }

    /** Counts deployments on these weights (engine lock held). */
    void acquire() { users++; }

    /** @return whether no deployment uses these weights any more */
    boolean release() { return --users <= 0; }

    @Override
    public void close() {
        scheduler.stop(new InferenceException("the model was unloaded while this generation ran"));
        step.close();
        tokenizer.close();
    }
}
