package dev.whetstone.engine.torch.tokenizer;

import dev.whetstone.engine.torch.demo.TinyTokenizerFactory;
import dev.whetstone.data.ChatExample;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.ContentPart;
import dev.whetstone.engine.torch.data.TokenizedExample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
            ChatTemplate template = tokenizer.chatTemplateOrFallback();
            List<String> rendered = examples.stream().map(e -> template.render(e.messages(), false)).toList();
            System.out.printf("%d examples, %d bytes as JSONL%n", examples.size(), jsonlBytes(examples));
            for (int round = 0; round < 5; round++) {
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
                double full = (System.nanoTime() - start) / 1e9;
                start = System.nanoTime();
                long encoded = 0;
                for (String text : rendered) {
                    encoded += tokenizer.encode(text, false).length;
                }
                double encodeOnly = (System.nanoTime() - start) / 1e9;
                System.out.printf("round %d: %d tokens (%d trained); ExampleTokenizer %.2f s = %.0f tok/s;"
                        + " encode of rendered text only %.2f s = %.0f tok/s%n", round, tokens, trained,
                        full, tokens / full, encodeOnly, encoded / encodeOnly);
            }
        }
    }

    /** Size of the examples written as a fine-tuning file: one {@code {"messages": [...]}} object per line. */
    static long jsonlBytes(List<ChatExample> examples) {
        ObjectMapper json = new ObjectMapper();
        long bytes = 0;
        for (ChatExample example : examples) {
            List<Map<String, Object>> messages = new ArrayList<>();
            for (ChatMessage m : example.messages()) {
                Map<String, Object> message = new LinkedHashMap<>(ChatTemplate.asMap(m));
                if (m.weight() != null) {
                    message.put("weight", m.weight());
                }
                messages.add(message);
            }
            try {
                bytes += json.writeValueAsBytes(Map.of("messages", messages)).length + 1;
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return bytes;
    }

    /** Conversations of 2–4 turns from the corpus lines, until their JSONL reaches {@code bytes}. */
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
                messages.add(new ChatMessage("assistant", List.of(new ContentPart.Text(answer)),
                        t == 0 && turns > 2 ? 0 : null, null));
            }
            ChatExample example = new ChatExample(messages);
            examples.add(example);
            size += jsonlBytes(List.of(example));
        }
        return examples;
    }
}
