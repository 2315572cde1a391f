package dev.whetstone.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** jqwik generators of valid training files whose examples and line numbers are known. */
final class GeneratedFiles {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> BLANKS = List.of("", " ", "\t", "  \t ");
    private static final List<String> IMAGE_URLS = List.of("https://example.com/cat.png",
            "http://images.example.org/a/b.jpg?size=large", "data:image/png;base64,iVBORw0KGgo=",
            "data:image/jpeg;base64,/9j/4AAQSkZJRg==", "data:image/gif;base64,R0lGODlh", "data:image/webp;base64,UklGRg==");

    private GeneratedFiles() {}

    /** A generated example and the JSON it is written as; copy {@code json} before changing it. */
    record Example(TrainingExample example, ObjectNode json) {
        byte[] bytes() { return write(json); }
    }

    /**
     * A file: each example preceded by some blank lines, then trailing blank lines.
     *
     * @param lineEnd "\n" or "\r\n"
     */
    record File(ExampleFormat format, List<Example> examples, List<Integer> blanksBefore, int trailingBlanks,
                boolean bom, String lineEnd, boolean finalLineEnd) {

        byte[] bytes() { return render(i -> examples.get(i).bytes()); }

        /** The file with example {@code i} written as {@code lineOf.apply(i)}. */
        byte[] render(IntFunction<byte[]> lineOf) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (bom) out.writeBytes(TrainingFileValidatorTest.BOM);
            List<byte[]> lines = new ArrayList<>();
            for (int i = 0; i < examples.size(); i++) {
                for (int b = 0; b < blanksBefore.get(i); b++) lines.add(blank(b));
                lines.add(lineOf.apply(i));
            }
            for (int b = 0; b < trailingBlanks; b++) lines.add(blank(b));
            for (int i = 0; i < lines.size(); i++) {
                out.writeBytes(lines.get(i));
                if (i < lines.size() - 1 || finalLineEnd) out.writeBytes(lineEnd.getBytes(StandardCharsets.US_ASCII));
            }
            return out.toByteArray();
        }

        /** 1-based line number of example {@code i}. */
        long lineOf(int i) {
            long line = 0;
            for (int j = 0; j <= i; j++) line += blanksBefore.get(j) + 1;
            return line;
        }

        List<TrainingExample> trainingExamples() {
            return examples.stream().map(Example::example).toList();
        }

        private static byte[] blank(int b) {
            return BLANKS.get(b % BLANKS.size()).getBytes(StandardCharsets.US_ASCII);
        }
    }

    static Arbitrary<File> files(ExampleFormat format) {
        Arbitrary<Example> example = format == ExampleFormat.CHAT ? chatExamples() : promptCompletions();
        Arbitrary<List<Example>> examples = example.list().ofMinSize(1).ofMaxSize(25);
        return examples.flatMap(list -> Combinators.combine(
                Arbitraries.frequency(Tuple.of(6, 0), Tuple.of(1, 1), Tuple.of(1, 2)).list().ofSize(list.size()),
                Arbitraries.integers().between(0, 2), Arbitraries.of(true, false),
                Arbitraries.of("\n", "\r\n"), Arbitraries.of(true, false))
                .as((blanks, trailing, bom, lineEnd, finalEnd) -> new File(format, list, blanks, trailing, bom, lineEnd, finalEnd)));
    }

    static Arbitrary<String> text() {
        Arbitrary<String> base = Arbitraries.strings()
                .withCharRange(' ', '~').withCharRange('\u00a0', '\u017f').withCharRange('\u4e00', '\u4e3f')
                .withChars('\n', '\t', '\r', '"', '\\', '\u2028', '\ufeff')
                .ofMaxLength(30);
        return Combinators.combine(base, Arbitraries.of("", "", "\uD83D\uDE00", "\uD834\uDD1E")).as(String::concat);
    }

    static Arbitrary<String> reply() {
        return text().filter(t -> !t.isBlank());
    }

    static Arbitrary<Example> promptCompletions() {
        return Combinators.combine(text(), reply()).as((prompt, completion) -> {
            ObjectNode json = JSON.createObjectNode().put("prompt", prompt).put("completion", completion);
            return new Example(new PromptCompletionExample(prompt, completion), json);
        });
    }

    static Arbitrary<Example> chatExamples() {
        Arbitrary<List<ChatMessage>> turn = Combinators.combine(userMessages(), assistantMessages()).as(List::of);
        Arbitrary<ChatMessage> system = Combinators.combine(text(), names()).as((t, n) -> new ChatMessage("system",
                List.of(new ContentPart.Text(t)), null, n));
        return Combinators.combine(system.injectNull(0.5), turn.list().ofMinSize(1).ofMaxSize(3), Arbitraries.of(true, false))
                .as((sys, turns, plain) -> {
                    List<ChatMessage> messages = new ArrayList<>();
                    if (sys != null) messages.add(sys);
                    turns.forEach(messages::addAll);
                    ChatExample chat = new ChatExample(ensureTrainedReply(messages));
                    return new Example(chat, render(chat, plain));
                });
    }

    private static Arbitrary<String> names() {
        return Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8).injectNull(0.7);
    }

    private static Arbitrary<ChatMessage> userMessages() {
        Arbitrary<ContentPart> image = Combinators.combine(Arbitraries.of(IMAGE_URLS),
                Arbitraries.of("auto", "low", "high").injectNull(0.5)).as(ContentPart.Image::new);
        Arbitrary<ContentPart> part = Arbitraries.frequencyOf(
                Tuple.of(3, text().map(ContentPart.Text::new)), Tuple.of(1, image));
        return Combinators.combine(part.list().ofMinSize(1).ofMaxSize(3), names())
                .as((parts, name) -> new ChatMessage("user", parts, null, name));
    }

    private static Arbitrary<ChatMessage> assistantMessages() {
        Arbitrary<List<ContentPart>> parts = reply().map(t -> (ContentPart) new ContentPart.Text(t)).list().ofMinSize(1).ofMaxSize(2);
        return Combinators.combine(parts, Arbitraries.of(0, 1).injectNull(0.5), names())
                .as((content, weight, name) -> new ChatMessage("assistant", content, weight, name));
    }

    /** Generated weights may all be 0; the last assistant message is then given weight 1. */
    private static List<ChatMessage> ensureTrainedReply(List<ChatMessage> messages) {
        if (messages.stream().anyMatch(ChatMessage::trained)) return messages;
        List<ChatMessage> fixed = new ArrayList<>(messages);
        int last = fixed.size() - 1;
        ChatMessage reply = fixed.get(last);
        fixed.set(last, new ChatMessage(reply.role(), reply.content(), 1, reply.name()));
        return fixed;
    }

    /** {@code plain}: a message whose content is one text part is written as a string, not an array. */
    static ObjectNode render(ChatExample chat, boolean plain) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode messages = root.putArray("messages");
        for (ChatMessage m : chat.messages()) {
            ObjectNode message = messages.addObject().put("role", m.role());
            if (plain && m.content().size() == 1 && m.content().get(0) instanceof ContentPart.Text t) {
                message.put("content", t.text());
            } else {
                ArrayNode parts = message.putArray("content");
                m.content().forEach(p -> renderPart(parts, p));
            }
            if (m.weight() != null) message.put("weight", m.weight());
            if (m.name() != null) message.put("name", m.name());
        }
        return root;
    }

    private static void renderPart(ArrayNode parts, ContentPart part) {
        switch (part) {
            case ContentPart.Text t -> parts.addObject().put("type", "text").put("text", t.text());
            case ContentPart.Image i -> {
                ObjectNode url = parts.addObject().put("type", "image_url").putObject("image_url").put("url", i.url());
                if (i.detail() != null) url.put("detail", i.detail());
            }
        }
    }

    static byte[] write(ObjectNode json) {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }
}
