package dev.whetstone.engine.torch.infer;

import dev.whetstone.data.image.ImageInput;
import dev.whetstone.engine.torch.data.ImageFrames;
import dev.whetstone.engine.torch.vision.VisionPrompts;
import java.util.Set;
import dev.whetstone.engine.torch.model.ModelConfig;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.ToolDefinition;
import dev.whetstone.engine.inference.ToolCallSyntax;
import dev.whetstone.engine.inference.Generation;
import dev.whetstone.engine.inference.GenerationListener;
import dev.whetstone.engine.inference.InferenceException;
import dev.whetstone.engine.inference.InvalidPromptException;
import dev.whetstone.engine.inference.ModelInfo;
import dev.whetstone.engine.inference.Prompt;
import dev.whetstone.engine.inference.SamplingOptions;
import dev.whetstone.engine.inference.ServedModel;
import dev.whetstone.engine.torch.tokenizer.ChatTemplate;
import dev.whetstone.engine.torch.tokenizer.ChatTemplateException;
import dev.whetstone.engine.torch.tokenizer.HfTokenizer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** One deployment: a base (shared) plus, for a LoRA model, its own adapter. */
public final class TorchServedModel implements ServedModel {
    private final String key;
    private final ServingBase base;
    private final LoraWeights adapter;
    private final ModelInfo info;
    private volatile boolean unloaded;

    TorchServedModel(String key, ServingBase base, LoraWeights adapter) {
        this.key = key;
        this.base = base;
        this.adapter = adapter;
        this.info = new ModelInfo(base.contextLength(), tokenizer().config().chatTemplate().isPresent(),
                base.vision() != null);
    }

    String key() { return key; }

    ServingBase base() { return base; }

    /** The served architecture's configuration (benchmarks size their bounds with it). */
    public ModelConfig config() { return base.model().config(); }

    /** Bytes of weights a decode step reads through the host decoder or the decode kernels (benchmarks' bound), 0 without them. */
    public long decodeWeightBytes() { return base.decodeWeightBytes(); }

    /** What serves decode steps on this machine (host steps, the decode kernels, libtorch), with the timings measured at load. */
    public String decodePath() { return base.decodePath(); }

    /** Token ids that end a generation. */
    public Set<Integer> eosIds() { return base.eosIds(); }

    LoraWeights adapter() { return adapter; }

    HfTokenizer tokenizer() { return base.tokenizer(); }

    boolean unloaded() { return unloaded; }

    void markUnloaded() { unloaded = true; }

    @Override
    public ModelInfo info() { return info; }

    @Override
    public Prompt chatPrompt(List<ChatMessage> messages, List<ImageInput> images) {
        if (base.vision() == null) {
            if (!images.isEmpty()) {
                throw new InvalidPromptException("deployment '" + key + "' does not accept images (no vision)");
            }
            return chatPrompt(messages);
        }
        if (template().isEmpty()) {
            throw new InvalidPromptException("deployment '" + key + "' has no chat template (its"
                    + " tokenizer_config.json defines none); use the completions endpoint");
        }
        try {
            VisionPrompts.Rendered r = base.vision().chat(messages, images, true);
            return new Prompt(r.ids(), r.text(), images);
        } catch (ChatTemplateException e) {
            throw new InvalidPromptException("the chat template of deployment '" + key + "' refused the messages: "
                    + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new InvalidPromptException("deployment '" + key + "': " + e.getMessage());
        }
    }

    @Override
    public Prompt chatPrompt(List<ChatMessage> messages) {
        // a vision model's template reads content parts, with or without images
        if (base.vision() != null) return chatPrompt(messages, List.of());
        ChatTemplate template = template().orElseThrow(() -> new InvalidPromptException("deployment '" + key
                + "' has no chat template (its tokenizer_config.json defines none); use the completions endpoint"));
        String text;
        try {
            text = template.render(messages, true);
        } catch (ChatTemplateException e) {
            throw new InvalidPromptException("the chat template of deployment '" + key + "' refused the messages: "
                    + e.getMessage());
        }
        // The template writes the special tokens itself (BOS included), as apply_chat_template does.
        return new Prompt(tokenizer().encode(text, false), text);
    }

    @Override
    public Prompt chatPrompt(List<ChatMessage> messages, List<ToolDefinition> tools, String assistantPrefix) {
        if (tools.isEmpty() && assistantPrefix.isEmpty()) return chatPrompt(messages);
        ChatTemplate template = template().orElseThrow(() -> new InvalidPromptException("deployment '" + key
                + "' has no chat template (its tokenizer_config.json defines none); use the completions endpoint"));
        if (!tools.isEmpty() && toolCallSyntax().isEmpty()) {
            throw new InvalidPromptException("the chat template of deployment '" + key + "' has no tools support"
                    + " (it writes no function calls), so it cannot be given 'tools'");
        }
        String text;
        try {
            text = template.render(messages, tools, true);
            if (!tools.isEmpty() && text.equals(template.render(messages, true))) {
                throw new InvalidPromptException("the chat template of deployment '" + key + "' ignores 'tools', so"
                        + " the model would never see them");
            }
        } catch (ChatTemplateException e) {
            throw new InvalidPromptException("the chat template of deployment '" + key + "' refused the messages: "
                    + e.getMessage());
        }
        text += assistantPrefix;
        return new Prompt(tokenizer().encode(text, false), text);
    }

    /**
     * Read from the template's own markup: Hermes/Qwen templates write {@code <tool_call>}; Llama 3.1+ templates
     * describe calls as {@code {"name": …, "parameters": …}} JSON. Anything else: no tool support known.
     */
    @Override
    public Optional<ToolCallSyntax> toolCallSyntax() {
        Optional<ChatTemplate> template = template();
        if (template.isEmpty()) return Optional.empty();
        String source = template.get().source();
        if (source.contains("<tool_call>")) return Optional.of(ToolCallSyntax.HERMES);
        if (source.contains("tool_call") && source.contains("\"parameters\": ")) return Optional.of(ToolCallSyntax.LLAMA_JSON);
        return Optional.empty();
    }

    @Override
    public Prompt textPrompt(String text) {
        return new Prompt(tokenizer().encode(text, true), text);
    }

    @Override
    public Generation generate(Prompt prompt, SamplingOptions options, GenerationListener listener) {
        if (unloaded) throw new InferenceException("deployment '" + key + "' is no longer loaded; deploy it again");
        if (prompt.length() == 0) throw new InvalidPromptException("the prompt is empty; give at least one token");
        if (prompt.length() >= info.contextLength()) {
            throw new InvalidPromptException("the prompt has " + prompt.length() + " tokens, which leaves no room in "
                    + "the context of " + info.contextLength() + " tokens; shorten it");
        }
        int vocab = base.model().config().vocabSize();
        for (int id : prompt.tokens()) {
            if (id < 0 || id >= vocab) {
                throw new InvalidPromptException("prompt token id " + id + " is outside the model's vocabulary of "
                        + vocab + "; tokenize with this deployment's own tokenizer");
            }
        }
        ImageFrames frames = frames(prompt);
        long seed = options.seed() != null ? options.seed() : ThreadLocalRandom.current().nextLong();
        Sequence s = new Sequence(this, prompt.tokens(), frames, options, listener, seed, base.scheduler()::wake);
        base.scheduler().submit(s);
        return s;
    }

    /**
     * The frames of a prompt's images (processed again from the decoded images: a Prompt carries those, not
     * frames), checked against the prompt's image tokens.
     */
    private ImageFrames frames(Prompt prompt) {
        if (prompt.images().isEmpty()) return null;
        if (base.vision() == null) {
            throw new InvalidPromptException("deployment '" + key + "' does not accept images (no vision)");
        }
        try {
            return base.vision().frames(prompt.tokens(), prompt.images());
        } catch (IllegalArgumentException e) {
            throw new InvalidPromptException("deployment '" + key + "': " + e.getMessage());
        }
    }

    private Optional<ChatTemplate> template() {
        try {
            return tokenizer().chatTemplate();
        } catch (ChatTemplateException e) {
            throw new InvalidPromptException("the chat template of deployment '" + key + "' cannot be parsed: "
                    + e.getMessage());
        }
    }
}
