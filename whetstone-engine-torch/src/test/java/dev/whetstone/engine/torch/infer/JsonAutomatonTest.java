package dev.whetstone.engine.torch.infer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The JSON-mode automaton against Jackson (an independent, strict RFC 8259 parser): on hand-picked cases and on
 * random documents and their random mutations, it completes exactly the texts Jackson reads as one object.
 */
class JsonAutomatonTest {
    private static final ObjectMapper JACKSON = new ObjectMapper();

    static boolean automaton(String text) {
        JsonAutomaton a = new JsonAutomaton();
        return a.accept(text.getBytes(StandardCharsets.UTF_8)) && a.complete();
    }

    /** One JSON object and nothing after it, by Jackson's default (strict) reading. */
    static boolean jackson(String text) {
        try (JsonParser p = JACKSON.createParser(text)) {
            JsonNode node = JACKSON.readTree(p);
            return node != null && node.isObject() && p.nextToken() == null;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void handPickedCases() {
        for (String ok : List.of("{}", "{\"a\":1}", " {\"a\": [1, -2.5e+3, 0, 0.25E-1, true, false, null, \"x\"]}",
                "{\"k\":{\"n\":{}},\"e\":[],\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9 é 漢 🚚\"}", "{\"a\":-0}")) {
            assertThat(automaton(ok)).as(ok).isTrue();
            assertThat(jackson(ok)).as(ok).isTrue();
        }
        for (String bad : List.of("", "[]", "\"s\"", "1", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,}", "{\"a\":01}",
                "{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e}", "{\"a\":+1}", "{\"a\":tru}", "{\"a\":\"\\x\"}",
                "{\"a\":\"\\u12G4\"}", "{\"a\":\"tab\there\"}", "{'a':1}", "{\"a\":1}x", "{\"a\":1}{}",
                "{\"a\" 1}", "{\"a\":[1 2]}", "{\"a\":[1,]}", "{\"a\":NaN}", "{a:1}", "{\"a\":1]", "{\"a\":[1}")) {
            assertThat(automaton(bad)).as(bad).isFalse();
            assertThat(jackson(bad)).as(bad).isFalse();
        }
    }

    @Test
    void theObjectEndsTheText() {
        // JSON allows whitespace after the value; the automaton does not, so that the end-of-sequence token is the
        // only continuation once the object is closed.
        assertThat(jackson("{\"a\":1} ")).isTrue();
        assertThat(automaton("{\"a\":1} ")).isFalse();
    }

    @Test
    void invalidUtf8InsideStringsIsRefused() {
        JsonAutomaton a = new JsonAutomaton();
        assertThat(a.accept("{\"a\":\"".getBytes(StandardCharsets.UTF_8))).isTrue();
        JsonAutomaton lone = new JsonAutomaton();
        lone.copyFrom(a);
        assertThat(lone.accept(new byte[] {(byte) 0x80})).as("a continuation byte without a lead").isFalse();
        JsonAutomaton cut = new JsonAutomaton();
        cut.copyFrom(a);
        assertThat(cut.accept(new byte[] {(byte) 0xC3, '"'})).as("a quote inside a two-byte character").isFalse();
    }

    @Test
    void paddingAndNestingAreBounded() {
        assertThat(automaton("{" + " ".repeat(JsonAutomaton.MAX_WHITESPACE) + "}")).isTrue();
        assertThat(automaton("{" + " ".repeat(JsonAutomaton.MAX_WHITESPACE + 1) + "}")).isFalse();
        String deep = "{\"a\":" + "[".repeat(JsonAutomaton.MAX_DEPTH - 1) + "]".repeat(JsonAutomaton.MAX_DEPTH - 1) + "}";
        assertThat(automaton(deep)).isTrue();
        String tooDeep = "{\"a\":" + "[".repeat(JsonAutomaton.MAX_DEPTH) + "]".repeat(JsonAutomaton.MAX_DEPTH) + "}";
        assertThat(automaton(tooDeep)).isFalse();
    }

    /** Random objects and random one-character edits of them: the automaton agrees with Jackson on every text. */
    @Test
    void agreesWithJacksonOnRandomDocumentsAndMutations() {
        Random random = new Random(20261206);
        String alphabet = "{}[]\":,-+.eE0123456789 \ttrufalsn\\/ux\u00e9";
        int valid = 0;
        for (int i = 0; i < 20_000; i++) {
            String doc = object(random, 0);
            String text = switch (random.nextInt(4)) {
                case 0 -> doc;
                case 1 -> edit(random, doc, "delete", alphabet);
                case 2 -> edit(random, doc, "insert", alphabet);
                default -> edit(random, doc, "replace", alphabet);
            };
            boolean expected = jackson(text) && withinLimits(text);
            assertThat(automaton(text)).as("%s", text).isEqualTo(expected);
            if (expected) {
                valid++;
                JsonAutomaton a = new JsonAutomaton();
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                for (int k = 0; k < bytes.length; k++) {
                    assertThat(a.complete()).as("complete only at the end: %s", text).isFalse();
                    assertThat(a.accept(bytes[k] & 0xFF)).isTrue();
                }
            }
        }
        assertThat(valid).as("the sample exercises both sides").isBetween(4_000, 16_000);
    }

    /** The automaton's own bounds: padding runs, and nothing after the object. */
    private static boolean withinLimits(String text) {
        return !text.matches("(?s).*[ \\t\\n\\r]{" + (JsonAutomaton.MAX_WHITESPACE + 1) + "}.*")
                && !text.matches("(?s).*[ \\t\\n\\r]");
    }

    private static String edit(Random random, String doc, String how, String alphabet) {
        int at = random.nextInt(doc.length() + (how.equals("insert") ? 1 : 0));
        char c = alphabet.charAt(random.nextInt(alphabet.length()));
        return switch (how) {
            case "delete" -> doc.substring(0, at) + doc.substring(at + 1);
            case "insert" -> doc.substring(0, at) + c + doc.substring(at);
            default -> doc.substring(0, at) + c + doc.substring(at + 1);
        };
    }

    private static String object(Random r, int depth) {
        StringBuilder b = new StringBuilder("{");
        int n = depth > 2 ? 0 : r.nextInt(4);
        for (int i = 0; i < n; i++) {
            if (i > 0) b.append(r.nextBoolean() ? "," : ", ");
            b.append(string(r)).append(r.nextBoolean() ? ":" : ": ").append(value(r, depth + 1));
        }
        return b.append("}").toString();
    }

    private static String value(Random r, int depth) {
        return switch (r.nextInt(depth > 2 ? 4 : 6)) {
            case 0 -> string(r);
            case 1 -> List.of("0", "-1", "12.5", "3e7", "-0.25E-2", "7").get(r.nextInt(6));
            case 2 -> List.of("true", "false", "null").get(r.nextInt(3));
            case 3 -> "\"x\"";
            case 4 -> object(r, depth);
            default -> {
                StringBuilder b = new StringBuilder("[");
                int n = r.nextInt(3);
                for (int i = 0; i < n; i++) b.append(i > 0 ? "," : "").append(value(r, depth + 1));
                yield b.append("]").toString();
            }
        };
    }

    private static String string(Random r) {
        return List.of("\"a\"", "\"key\"", "\"\"", "\"\\n\\\"\"", "\"\\u00e9t\u00e9\"", "\"sp ace\"").get(r.nextInt(6));
    }
}
