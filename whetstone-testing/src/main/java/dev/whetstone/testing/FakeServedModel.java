package dev.whetstone.testing;

import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.ContentPart;
import dev.whetstone.data.image.DecodedImage;
import dev.whetstone.data.image.ImageInput;
import dev.whetstone.engine.inference.FinishReason;
import dev.whetstone.engine.inference.GeneratedToken;
import dev.whetstone.engine.inference.Generation;
import dev.whetstone.engine.inference.GenerationListener;
import dev.whetstone.engine.inference.InferenceException;
import dev.whetstone.engine.inference.InvalidPromptException;
import dev.whetstone.engine.inference.ModelInfo;
import dev.whetstone.engine.inference.Prompt;
import dev.whetstone.engine.inference.SamplingOptions;
import dev.whetstone.engine.inference.ServedModel;
import dev.whetstone.engine.inference.ServingSpec;
import dev.whetstone.engine.inference.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A model of {@link FakeInferenceEngine}: a token is a word (with its leading space), the prompt's id its index. */
final class FakeServedModel implements ServedModel {
    static final int CONTEXT = 512;

    private final ServingSpec spec;
    private final boolean chat;
    private final boolean vision;
    private final Map<String, String> replies;
    private final Supplier<Duration> tokenDelay;
    private final Set<Runner> running = ConcurrentHashMap.newKeySet();

    FakeServedModel(ServingSpec spec, boolean chat, boolean vision, Map<String, String> replies,
                    Supplier<Duration> tokenDelay) {
        this.spec = spec;
        this.chat = chat;
        this.vision = vision;
        this.replies = replies;
        this.tokenDelay = tokenDelay;
    }

    ServingSpec spec() { return spec; }

    @Override
    public ModelInfo info() { return new ModelInfo(CONTEXT, chat, vision); }

    @Override
    public Prompt chatPrompt(List<ChatMessage> messages) {
        if (!chat) throw new InvalidPromptException("this model has no chat template; use the completions endpoint");
        StringBuilder text = new StringBuilder();
        for (ChatMessage m : messages) text.append(m.role()).append(": ").append(m.text()).append('\n');
        text.append("assistant:");
        return prompt(text.toString());
    }

    /** Each image stands in the rendered turn as {@code <image WxH #rrggbb>} (its top-left pixel), after the text. */
    @Override
    public Prompt chatPrompt(List<ChatMessage> messages, List<ImageInput> images) {
        if (!vision) return ServedModel.super.chatPrompt(messages, images);
        StringBuilder text = new StringBuilder();
        int next = 0;
        for (ChatMessage m : messages) {
            text.append(m.role()).append(": ").append(m.text());
            for (ContentPart part : m.content()) {
                if (!(part instanceof ContentPart.Image)) continue;
                DecodedImage image = images.get(next++).image();
                text.append(String.format(" <image %dx%d #%02x%02x%02x>", image.width(), image.height(),
                        image.rgb()[0] & 0xFF, image.rgb()[1] & 0xFF, image.rgb()[2] & 0xFF));
            }
            text.append('\n');
        }
        text.append("assistant:");
        Prompt plain = prompt(text.toString());
        return new Prompt(plain.tokens(), plain.text(), images);
    }

    @Override
    public Prompt textPrompt(String text) {
        return prompt(text);
    }

    private static Prompt prompt(String text) {
        int n = words(text).size();
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = i;
        return new Prompt(ids, text);
    }

    @Override
    public Generation generate(Prompt prompt, SamplingOptions options, GenerationListener listener) {
        if (prompt.length() >= CONTEXT) throw new InvalidPromptException("prompt of " + prompt.length()
                + " tokens leaves no room in the context of " + CONTEXT);
        Runner runner = new Runner(answer(prompt.text()), prompt.length(), options, listener);
        running.add(runner);
        Thread.startVirtualThread(runner);
        return runner;
    }

    /** Ends every running generation with an error (unload). */
    void stop() {
        running.forEach(r -> r.abort(new InferenceException("the deployment was deleted")));
    }

    /** One rendered turn: "role: text" up to the next turn or the closing "assistant:". */
    private static final Pattern TURN = Pattern.compile(
            "(?:^|\n)(system|user|assistant|tool): (.*?)(?=\n(?:system|user|assistant|tool):|$)", Pattern.DOTALL);

    private String answer(String promptText) {
        // The last user message, whole even when it spans lines (a guard model's task prompt does).
        String lastUser = promptText;
        Matcher m = TURN.matcher(promptText);
        while (m.find()) if (m.group(1).equals("user")) lastUser = m.group(2);
        return replies.getOrDefault(lastUser, "echo: " + lastUser);
    }

    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == ' ') {
                if (i > start) out.add(text.substring(start, i));
                start = i;
            }
        }
        return out;
    }

    private final class Runner implements Runnable, Generation {
        private final String answer;
        private final int promptTokens;
        private final SamplingOptions options;
        private final GenerationListener listener;
        private final AtomicBoolean done = new AtomicBoolean();
        private volatile boolean cancelled;

        Runner(String answer, int promptTokens, SamplingOptions options, GenerationListener listener) {
            this.answer = answer;
            this.promptTokens = promptTokens;
            this.options = options;
            this.listener = listener;
        }

        @Override
        public void run() {
            List<String> tokens = words(answer);
            String text = "";
            int n = 0;
            for (String token : tokens) {
                if (cancelled) { finish(FinishReason.CANCELLED, n); return; }
                if (n == options.maxTokens()) { finish(FinishReason.LENGTH, n); return; }
                String next = text + token;
                for (String stop : options.stop()) {
                    int at = next.indexOf(stop);
                    if (at >= 0) {
                        emit(n, next.substring(text.length(), Math.max(text.length(), at)));
                        finish(FinishReason.STOP, n + 1);
                        return;
                    }
                }
                emit(n++, token);
                text = next;
                FakeInferenceEngine.sleep(tokenDelay.get());
            }
            finish(FinishReason.STOP, n);
        }

        private void emit(int id, String text) {
            if (!done.get()) listener.onToken(new GeneratedToken(id, text, -0.5, List.of()));
        }

        private void finish(FinishReason reason, int completionTokens) {
            running.remove(this);
            if (done.compareAndSet(false, true)) listener.onComplete(reason, new Usage(promptTokens, completionTokens));
        }

        void abort(InferenceException error) {
            running.remove(this);
            if (done.compareAndSet(false, true)) listener.onError(error);
        }

        @Override
        public void cancel() { cancelled = true; }
    }
}
