package dev.whetstone.engine.torch.tokenizer;

import dev.whetstone.data.ChatExample;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.engine.torch.data.TokenizedExample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Tokenization throughput on about 1 MB of chat examples (synthetic support conversations built from the tiny
 * corpus). Not a test: run with {@code main(tokenizerDir)}; prints tokens per second for raw encoding and for
 * {@link ExampleTokenizer} (template rendering, mask probing and encoding).
 */
public final class TokenizationBenchmark {
    private TokenizationBenchmark() {}

    public static void main(String[] args) throws Exception {
        TokenizerNatives.useCacheDir(Path.of("target", "native-cache"));
        long t0 = System.nanoTime();
        try (HfTokenizer tokenizer = HfTokenizer.load(Path.of(args[0]))) {
            System.out.printf("load: %.2f s%n", (System.nanoTime() - t0) / 1e9);
            List<ChatExample> examples = examples(1_000_000);
            ExampleTokenizer exampleTokenizer = new ExampleTokenizer(tokenizer, 1 << 20);
            for (int round = 0; round < 3; round++) {
                long start = System.nanoTime();
                long tokens = 0;
                long trained = 0;
                for (ChatExample example : examples) {
                    TokenizedExample tokenized = exampleTokenizer.tokenize(example);
                    tokens += tokenized.length();
                    for (boolean b : tokenized.lossMask()) {
                        trained += b ? 1 : 0;
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                long rawStart = System.nanoTime();
                long rawTokens = 0;
                ChatTemplate template = tokenizer.chatTemplateOrFallback();
                for (ChatExample example : examples) {
                    rawTokens += tokenizer.encode(template.render(example.messages(), false), false).length;
                }
                double rawSeconds = (System.nanoTime() - rawStart) / 1e9;
                System.out.printf("round %d: %d examples, %d tokens (%d trained): ExampleTokenizer %.2f s = %.0f tok/s;"
                        + " render+encode only %.2f s = %.0f tok/s%n", round, examples.size(), tokens, trained,
                        seconds, tokens / seconds, rawSeconds, rawTokens / rawSeconds);
            }
        }
    }

    /** Conversations of 2–4 turns from the corpus lines, until their text reaches {@code bytes}. */
    static List<ChatExample> examples(int bytes) {
        List<String> lines = TinyTokenizerFactory.corpus().lines().filter(l -> !l.isBlank()).toList();
        Random random = new Random(1);
        List<ChatExample> examples = new ArrayList<>();
        long size = 0;
        while (size < bytes) {
            List<ChatMessage> messages = new ArrayList<>();
            messages.add(ChatMessage.text("system", "You are a helpful support assistant."));
            int turns = 2 + random.nextInt(3);
            for (int t = 0; t < turns; t++) {
                messages.add(ChatMessage.text("user", lines.get(random.nextInt(lines.size()))));
                String answer = lines.get(random.nextInt(lines.size())) + " " + lines.get(random.nextInt(lines.size()));
                messages.add(new ChatMessage("assistant", List.of(new dev.whetstone.data.ContentPart.Text(answer)),
                        t == 0 && turns > 2 ? 0 : null, null));
            }
            for (ChatMessage m : messages) {
                size += m.text().getBytes(StandardCharsets.UTF_8).length + 30; // + JSON keys and quotes
            }
            examples.add(new ChatExample(messages));
        }
        return examples;
    }
}
