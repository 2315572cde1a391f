package dev.whetstone.engine.torch.infer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whetstone.engine.inference.InferenceException;
import dev.whetstone.engine.torch.model.CausalLm;
import dev.whetstone.engine.torch.model.LoadOptions;
import dev.whetstone.engine.torch.model.ModelConfig;
import dev.whetstone.engine.torch.tokenizer.HfTokenizer;
import dev.whetstone.engine.torch.vision.Idefics3Config;
import dev.whetstone.engine.torch.vision.VisionLm;
import dev.whetstone.engine.torch.vision.VisionPrompts;
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
    private final VisionPrompts vision;
    private int users;

    private ServingBase(Path dir, ModelStep step, HfTokenizer tokenizer, Set<Integer> eosIds, int contextLength,
                        Scheduler scheduler, VisionPrompts vision) {
        this.vision = vision;
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
        VisionLm visionLm = null;
        HfTokenizer tokenizer = null;
        try {
            // a vision-language model serves its decoder with the encoder and connector beside it
            if (Idefics3Config.isVisionModel(dir)) {
                visionLm = VisionLm.load(dir, new LoadOptions(o.precision(), false));
                model = visionLm.text();
            } else {
                model = CausalLm.load(dir, LoadOptions.serving(o.precision()));
            }
            tokenizer = HfTokenizer.load(tokenizerDir);
            VisionPrompts prompts = visionLm == null ? null : VisionPrompts.of(dir, tokenizer);
            ModelConfig c = model.config();
            int context = Math.min(o.maxContext(), c.maxPositions());
            ModelStep step = new ModelStep(model, visionLm, o.maxBatch(), context);
            Scheduler scheduler = new Scheduler(step, dir.getFileName().toString(), o.maxBatch(), o.maxWaiting(),
                    o.maxGenerationTime());
            ServingBase base = new ServingBase(dir, step, tokenizer, eosIds(dir, c, tokenizer), context, scheduler,
                    prompts);
            scheduler.start();
            return base;
        } catch (IOException | RuntimeException e) {
            if (tokenizer != null) tokenizer.close();
            if (model != null) model.close();
            if (visionLm != null) visionLm.close();
            if (e instanceof InferenceException ie) throw ie;
            throw new InferenceException("cannot load the model in " + dir + ": " + e.getMessage(), e);
        }
    }

    static Set<Integer> eosIds(Path dir, ModelConfig c, HfTokenizer tokenizer) throws IOException {
        return EosIds.of(dir, c, tokenizer);
    }

    Path dir() { return dir; }

    CausalLm model() { return step.model(); }

    /** What serves decode steps (see {@link ModelStep#decodePath()}). */
    String decodePath() { return step.decodePath(); }

    long decodeWeightBytes() { return step.decodeWeightBytes(); }

    HfTokenizer tokenizer() { return tokenizer; }

    private volatile TokenBytes tokenBytes;

    /** The vocabulary's bytes for constrained decoding, computed on first use. */
    TokenBytes tokenBytes() {
        TokenBytes t = tokenBytes;
        if (t == null) {
            synchronized (this) {
                if (tokenBytes == null) tokenBytes = TokenBytes.of(tokenizer, step.model().config().vocabSize());
                t = tokenBytes;
            }
        }
        return t;
    }

    Set<Integer> eosIds() { return eosIds; }

    int contextLength() { return contextLength; }

    Scheduler scheduler() { return scheduler; }

    /** The chat prompts with images of a vision-language model, or null for a text model. */
    VisionPrompts vision() { return vision; }

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
