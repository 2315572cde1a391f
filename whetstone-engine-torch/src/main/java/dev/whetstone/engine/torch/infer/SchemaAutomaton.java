package dev.whetstone.engine.torch.infer;

import dev.whetstone.engine.inference.schema.CompiledSchema;
import dev.whetstone.engine.inference.schema.SchemaNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * A byte-at-a-time recogniser of the JSON documents valid for a {@link CompiledSchema} (UTF-8, properties in schema
 * order, at most {@link JsonAutomaton#MAX_WHITESPACE} whitespace bytes in a row between tokens, at most
 * {@link #MAX_DIGITS} digits in a number's integer and fraction parts, nothing after the closing brace), for
 * structured outputs.
 *
 * <p>It is a pushdown automaton whose stacks are immutable linked lists of frames ("inside this object, after
 * property 2's value"): a step builds new heads over shared tails, so {@link #copyFrom} is a pointer copy. Because
 * {@code anyOf} can leave the choice open for a while (two objects that begin alike), the state is the set of stacks
 * still possible; it is usually one. A node is only entered where its {@link CompiledSchema#minDepth} still fits
 * under {@link CompiledSchema#MAX_DEPTH}, so every reachable state can be completed: the mask never runs dry.
 */
final class SchemaAutomaton implements ByteAutomaton<SchemaAutomaton> {
    private static final int MAX_WHITESPACE = JsonAutomaton.MAX_WHITESPACE;
    /**
     * Digits per part of a number: more than a double carries (17 significant) is noise, and without a bound a model
     * can spend its whole budget on one number. A reply within the bounds is still valid for the schema.
     */
    static final int MAX_DIGITS = 20, MAX_EXPONENT_DIGITS = 3;

    /** What the top of a stack is doing. Containers count towards the depth. */
    private sealed interface Frame { }

    /** A value of {@code node} must start here, after {@code ws} whitespace bytes so far. */
    private record Value(SchemaNode node, int ws) implements Frame { }

    /** Inside a string value: continuation bytes the current character needs, or escape progress (1: after '\', 2–5: hex left + 1). */
    private record InString(int utf8Left, int escape) implements Frame { }

    /** Inside a fixed text (a key with its quotes, true, an enum value), {@code at} bytes read. */
    private record InLiteral(byte[] text, int at) implements Frame { }

    /** Inside a number: {@code sub} as in {@link #number}, {@code digits} in the current part (integer, fraction, exponent). */
    private record InNumber(boolean integer, int sub, int digits) implements Frame { }

    /** Inside an object: property {@code index}, at {@code phase}. */
    private record InObject(SchemaNode.ObjectNode node, int index, int phase, int ws) implements Frame { }

    /** Inside an array of {@code count} items so far, at {@code phase}. */
    private record InArray(SchemaNode.ArrayNode node, int count, int phase, int ws) implements Frame { }

    private record Stack(Frame top, Stack rest, int depth) {
        static Stack push(Stack rest, Frame f) {
            int d = rest == null ? 0 : rest.depth;
            return new Stack(f, rest, f instanceof InObject || f instanceof InArray ? d + 1 : d);
        }

        Stack replace(Frame f) { return new Stack(f, rest, depth); }
    }

    // Object phases: after '{'; before key `index` (after ','); after the key (':' next); after value `index`.
    private static final int O_OPEN = 0, O_KEY = 1, O_COLON = 2, O_AFTER = 3;
    // Array phases: after '['; after an item.
    private static final int A_OPEN = 0, A_AFTER = 1;
    // Number sub-states, as in JsonAutomaton.
    private static final int N_MINUS = 0, N_ZERO = 1, N_INT = 2, N_DOT = 3, N_FRAC = 4, N_E = 5, N_E_SIGN = 6, N_EXP = 7;
    private static final byte[] TRUE = "true".getBytes(), FALSE = "false".getBytes();
    /** A sentinel for "the document is complete": the empty stack. */
    private static final Stack DONE = new Stack(null, null, 0);

    /** Per node, the fewest nested containers an instance needs (from its {@link CompiledSchema}). */
    private final ToIntFunction<SchemaNode> minDepth;
    /** The possible stacks: usually one, kept in {@code single} without a list (the mask's hot path allocates less). */
    private Stack single;
    private List<Stack> many;                               // null when single
    private final ArrayList<Stack> next = new ArrayList<>(); // scratch for one step

    SchemaAutomaton(CompiledSchema schema) {
        this.minDepth = schema::minDepth;
        this.single = Stack.push(DONE, new Value(schema.root(), 0));
    }

    /**
     * One function call after a forced prefix: for some {@code i}, the bytes {@code leads[i]}, an object valid for
     * {@code arguments[i]}, then {@code end} — one stack per function to begin with.
     */
    SchemaAutomaton(List<byte[]> leads, List<CompiledSchema> arguments, byte[] end) {
        List<Stack> starts = new ArrayList<>();
        for (int i = 0; i < leads.size(); i++) {
            CompiledSchema a = arguments.get(i);
            Stack s = end.length == 0 ? DONE : Stack.push(DONE, new InLiteral(end, 0));
            s = Stack.push(s, new Value(a.root(), 0));
            starts.add(leads.get(i).length == 0 ? s : Stack.push(s, new InLiteral(leads.get(i), 0)));
        }
        // Nodes of different functions' schemas: ask each node's own schema (found once, cached).
        Map<SchemaNode, Integer> depths = new IdentityHashMap<>();
        List<CompiledSchema> all = List.copyOf(new java.util.LinkedHashSet<>(arguments));
        this.minDepth = n -> depths.computeIfAbsent(n, k -> {
            for (CompiledSchema c : all) {
                Integer d = c.minDepthOrNull(k);
                if (d != null) return d;
            }
            throw new IllegalStateException("a node of no schema here");
        });
        if (starts.size() == 1) {
            single = starts.get(0);
        } else {
            many = List.copyOf(starts);
        }
    }

    @Override
    public void copyFrom(SchemaAutomaton other) {
        single = other.single;
        many = other.many;
    }

    @Override
    public boolean complete() {
        if (many == null) return single == DONE;
        for (Stack s : many) if (s == DONE) return true;
        return false;
    }

    @Override
    public boolean accept(byte[] bytes) {
        int i = 0;
        while (i < bytes.length) {
            if (many == null && single.top instanceof InString str) {
                // Most tokens of a reply fall inside strings: read them without a frame per byte.
                i = stringRun(str, bytes, i);
                if (i < 0) return false;
            } else if (!accept(bytes[i++] & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads string bytes from {@code at} until the closing quote (the stack popped, the index after it returned) or
     * the end of {@code bytes}; -1 when a byte cannot be in a JSON string here. The same rules as {@link #string}.
     */
    private int stringRun(InString str, byte[] bytes, int at) {
        int utf8Left = str.utf8Left, escape = str.escape;
        for (int j = at; j < bytes.length; j++) {
            int c = bytes[j] & 0xFF;
            if (escape == 1) {
                if (c == 'u') escape = 5;
                else if ("\"\\/bfnrt".indexOf(c) >= 0) escape = 0;
                else return -1;
            } else if (escape > 1) {
                if (Character.digit(c, 16) < 0) return -1;
                escape = escape == 2 ? 0 : escape - 1;
            } else if (utf8Left > 0) {
                if ((c & 0xC0) != 0x80) return -1;
                utf8Left--;
            } else if (c == '"') {
                single = single.rest;
                return j + 1;
            } else if (c == '\\') {
                escape = 1;
            } else if (c < 0x20) {
                return -1;
            } else if (c >= 0x80) {
                utf8Left = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : -1;
                if (utf8Left < 0) return -1;
            }
        }
        if (utf8Left != str.utf8Left || escape != str.escape) single = single.replace(new InString(utf8Left, escape));
        return bytes.length;
    }

    boolean accept(int c) {
        next.clear();
        if (many == null) {
            step(single, c, next);
        } else {
            for (Stack s : many) step(s, c, next);
        }
        if (next.isEmpty()) return false;
        if (next.size() == 1) {
            single = next.get(0);
            many = null;
        } else {
            // Alternatives that have converged (anyOf of alike options) would otherwise multiply with every item.
            many = List.copyOf(new LinkedHashSet<>(next));
            if (many.size() == 1) {
                single = many.get(0);
                many = null;
            }
        }
        return true;
    }

    private static boolean whitespace(int c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

    private void step(Stack s, int c, List<Stack> out) {
        if (s == DONE) return;
        switch (s.top) {
            case Value v -> {
                if (whitespace(c)) {
                    if (v.ws < MAX_WHITESPACE) out.add(s.replace(new Value(v.node, v.ws + 1)));
                } else {
                    start(v.node, s.rest, c, out);
                }
            }
            case InString str -> string(s, str, c, out);
            case InLiteral l -> {
                if (c != (l.text[l.at] & 0xFF)) return;
                out.add(l.at + 1 == l.text.length ? s.rest : s.replace(new InLiteral(l.text, l.at + 1)));
            }
            case InNumber n -> {
                int sub = number(n.sub, n.integer, c);
                int digits = c < '0' || c > '9' ? 0 : sub == n.sub ? n.digits + 1 : 1;
                if (sub >= 0 && digits <= (sub == N_EXP ? MAX_EXPONENT_DIGITS : MAX_DIGITS)) {
                    out.add(s.replace(new InNumber(n.integer, sub, digits)));
                } else if (n.sub == N_ZERO || n.sub == N_INT || n.sub == N_FRAC || n.sub == N_EXP) {
                    step(s.rest, c, out); // the byte after a number belongs to what follows it
                }
            }
            case InObject o -> object(s, o, c, out);
            case InArray a -> array(s, a, c, out);
        }
    }

    /** Begins a value of {@code node} on {@code rest} with its first byte {@code c}. */
    private void start(SchemaNode node, Stack rest, int c, List<Stack> out) {
        if (rest.depth + minDepth.applyAsInt(node) > CompiledSchema.MAX_DEPTH) return; // could not be finished
        switch (node) {
            case SchemaNode.AnyOfNode a -> { for (SchemaNode o : a.options()) start(o, rest, c, out); }
            case SchemaNode.RefNode r -> start(r.target(), rest, c, out);
            case SchemaNode.ObjectNode o -> { if (c == '{') out.add(Stack.push(rest, new InObject(o, 0, O_OPEN, 0))); }
            case SchemaNode.ArrayNode a -> { if (c == '[') out.add(Stack.push(rest, new InArray(a, 0, A_OPEN, 0))); }
            case SchemaNode.StringNode ignored -> { if (c == '"') out.add(Stack.push(rest, new InString(0, 0))); }
            case SchemaNode.NumberNode n -> {
                if (c == '-') out.add(Stack.push(rest, new InNumber(n.integer(), N_MINUS, 0)));
                else if (c >= '0' && c <= '9') out.add(Stack.push(rest, new InNumber(n.integer(), c == '0' ? N_ZERO : N_INT, 1)));
            }
            case SchemaNode.BooleanNode ignored -> {
                if (c == 't') out.add(Stack.push(rest, new InLiteral(TRUE, 1)));
                else if (c == 'f') out.add(Stack.push(rest, new InLiteral(FALSE, 1)));
            }
            case SchemaNode.LiteralNode l -> {
                for (int i = 0; i < l.count(); i++) {
                    byte[] t = l.text(i);
                    if ((t[0] & 0xFF) != c) continue;
                    out.add(t.length == 1 ? rest : Stack.push(rest, new InLiteral(t, 1)));
                }
            }
        }
    }

    private void object(Stack s, InObject o, int c, List<Stack> out) {
        if (whitespace(c)) {
            if (o.ws < MAX_WHITESPACE) out.add(s.replace(new InObject(o.node, o.index, o.phase, o.ws + 1)));
            return;
        }
        int n = o.node.size();
        switch (o.phase) {
            case O_OPEN, O_KEY -> {
                if (o.phase == O_OPEN && n == 0) {
                    if (c == '}') out.add(s.rest);
                } else if (c == '"') {
                    Stack after = s.replace(new InObject(o.node, o.index, O_COLON, 0));
                    out.add(Stack.push(after, new InLiteral(o.node.key(o.index), 1)));
                }
            }
            case O_COLON -> {
                if (c == ':') {
                    Stack after = s.replace(new InObject(o.node, o.index, O_AFTER, 0));
                    out.add(Stack.push(after, new Value(o.node.value(o.index), 0)));
                }
            }
            default -> { // O_AFTER
                if (o.index + 1 < n && c == ',') out.add(s.replace(new InObject(o.node, o.index + 1, O_KEY, 0)));
                else if (o.index + 1 == n && c == '}') out.add(s.rest);
            }
        }
    }

    private void array(Stack s, InArray a, int c, List<Stack> out) {
        if (whitespace(c)) {
            if (a.ws < MAX_WHITESPACE) out.add(s.replace(new InArray(a.node, a.count, a.phase, a.ws + 1)));
            return;
        }
        if (c == ']') {
            if (a.count >= a.node.minItems()) out.add(s.rest);
            return;
        }
        if (a.count >= a.node.maxItems()) return;
        Stack more = s.replace(new InArray(a.node, a.count + 1, A_AFTER, 0));
        if (a.phase == A_AFTER) {
            if (c == ',' && s.depth + minDepth.applyAsInt(a.node.items()) <= CompiledSchema.MAX_DEPTH) {
                out.add(Stack.push(more, new Value(a.node.items(), 0)));
            }
        } else {
            start(a.node.items(), more, c, out);
        }
    }

    private static void string(Stack s, InString str, int c, List<Stack> out) {
        if (str.escape == 1) {
            if (c == 'u') out.add(s.replace(new InString(0, 5)));
            else if ("\"\\/bfnrt".indexOf(c) >= 0) out.add(s.replace(new InString(0, 0)));
            return;
        }
        if (str.escape > 1) {
            if (Character.digit(c, 16) >= 0) out.add(s.replace(new InString(0, str.escape == 2 ? 0 : str.escape - 1)));
            return;
        }
        if (str.utf8Left > 0) {
            if ((c & 0xC0) == 0x80) out.add(s.replace(new InString(str.utf8Left - 1, 0)));
            return;
        }
        if (c == '"') { out.add(s.rest); return; }
        if (c == '\\') { out.add(s.replace(new InString(0, 1))); return; }
        if (c < 0x20) return;                       // control characters must be escaped
        int left = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : -1;
        if (left >= 0) out.add(left == 0 ? s : s.replace(new InString(left, 0)));
    }

    /** The next number sub-state after {@code c}, or -1 when {@code c} cannot continue the number. */
    private static int number(int sub, boolean integer, int c) {
        boolean digit = c >= '0' && c <= '9';
        return switch (sub) {
            case N_MINUS -> digit ? (c == '0' ? N_ZERO : N_INT) : -1;
            case N_ZERO, N_INT -> digit && sub == N_INT ? N_INT
                    : integer ? -1 : c == '.' ? N_DOT : c == 'e' || c == 'E' ? N_E : -1;
            case N_DOT -> digit ? N_FRAC : -1;
            case N_FRAC -> digit ? N_FRAC : c == 'e' || c == 'E' ? N_E : -1;
            case N_E -> c == '+' || c == '-' ? N_E_SIGN : digit ? N_EXP : -1;
            case N_E_SIGN -> digit ? N_EXP : -1;
            default -> digit ? N_EXP : -1;
        };
    }

    @Override
    public String toString() { return "SchemaAutomaton" + (many == null ? List.of(single) : many); }
}
