package dev.whetstone.testing;

import dev.whetstone.engine.inference.InferenceEngine;
import dev.whetstone.engine.inference.InferenceException;
import dev.whetstone.engine.inference.ServedModel;
import dev.whetstone.engine.inference.ServingSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link InferenceEngine} for API and deployment tests: no weights, words for tokens. A model answers a user
 * message with a scripted reply, or {@code "echo: <last user text>"}; a base folder whose name contains
 * "completion" has no chat template, one whose name contains "vision" sees images (its echo then describes each
 * image of the last user message: {@code <image 8x8 #ff0000>}, size and top-left pixel). Loads can be slowed or made to fail; every load and unload is recorded.
 */
public final class FakeInferenceEngine implements InferenceEngine {
    private final Map<String, FakeServedModel> loaded = new ConcurrentHashMap<>();
    private final Map<String, String> replies = new ConcurrentHashMap<>();
    private final Set<String> failingModels = ConcurrentHashMap.newKeySet();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private volatile Duration loadDelay = Duration.ZERO;
    private volatile Duration tokenDelay = Duration.ZERO;

    /** Every model answers {@code userText} with {@code reply}. */
    public FakeInferenceEngine reply(String userText, String reply) {
        replies.put(userText, reply);
        return this;
    }

    /** Loads of a spec whose base or weights folder name contains {@code part} fail. */
    public FakeInferenceEngine failLoadsOf(String part) {
        failingModels.add(part);
        return this;
    }

    public FakeInferenceEngine loadDelay(Duration delay) {
        this.loadDelay = delay;
        return this;
    }

    /** Pause between generated tokens (to test streaming, cancellation and concurrency). */
    public FakeInferenceEngine tokenDelay(Duration delay) {
        this.tokenDelay = delay;
        return this;
    }

    @Override
    public ServedModel load(ServingSpec spec) {
        sleep(loadDelay);
        String where = spec.baseModelDir() + " " + spec.weightsDir();
        if (failingModels.stream().anyMatch(where::contains)) {
            log.add("failed " + spec.key());
            throw new InferenceException("cannot load " + spec.weightsDir() + ": injected failure");
        }
        boolean chat = !spec.baseModelDir().getFileName().toString().contains("completion");
        boolean vision = spec.baseModelDir().getFileName().toString().contains("vision");
        FakeServedModel model = new FakeServedModel(spec, chat, vision, replies, () -> tokenDelay);
        FakeServedModel previous = loaded.put(spec.key(), model);
        if (previous != null) previous.stop();
        log.add("load " + spec.key());
        return model;
    }

    @Override
    public void unload(String key) {
        FakeServedModel model = loaded.remove(key);
        if (model != null) {
            model.stop();
            log.add("unload " + key);
        }
    }

    /** The keys loaded now. */
    public Set<String> loadedKeys() { return Set.copyOf(loaded.keySet()); }

    /** What each key serves now. */
    public ServingSpec spec(String key) {
        FakeServedModel m = loaded.get(key);
        return m == null ? null : m.spec();
    }

    /** "load K", "unload K" and "failed K" entries in order. */
    public List<String> log() { return List.copyOf(log); }

    @Override
    public void close() {
        loaded.keySet().forEach(this::unload);
    }

    static void sleep(Duration d) {
        if (d.isZero()) return;
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
