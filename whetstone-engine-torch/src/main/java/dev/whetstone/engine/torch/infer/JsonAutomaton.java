package dev.whetstone.engine.torch.infer;

import java.util.Arrays;

/**
 * A byte-at-a-time recogniser of one JSON object (RFC 8259, UTF-8), for constrained decoding: it says whether a
 * byte may come next, so a token whose bytes would leave the language can be masked before sampling. Whitespace
 * between tokens is limited to {@link #MAX_WHITESPACE} bytes in a row and nesting to {@link #MAX_DEPTH}, so that a
 * model cannot spend its whole budget on padding or brackets.
 *
 * <p>State is a few ints and a byte stack; {@link #copyFrom} resets a scratch copy without allocating, which is how
 * the mask tries every token of the vocabulary from the current state.
 */
final class JsonAutomaton implements ByteAutomaton<JsonAutomaton> {
    static final int MAX_DEPTH = 32;
    static final int MAX_WHITESPACE = 8;

    // Where in the grammar the next byte falls.
    private static final int VALUE = 0;            // a value must start (after ':' or '[' or ',' in an array)
    private static final int OBJECT_OPEN = 1;      // after '{': a key or '}'
    private static final int KEY = 2;              // after ',' in an object: a key
    private static final int COLON = 3;            // after a key
    private static final int AFTER_VALUE = 4;      // ',' or the container's closing bracket
    private static final int ARRAY_OPEN = 5;       // after '[': a value or ']'
    private static final int STRING = 6;           // inside a string (key or value)
    private static final int ESCAPE = 7;           // after a backslash
    private static final int UNICODE = 8;          // inside \\uXXXX, {@code count} hex digits left
    private static final int LITERAL = 9;          // inside true/false/null, {@code literal} from {@code count}
    private static final int NUMBER = 10;          // inside a number, sub-state {@code count}
    private static final int DONE = 11;            // the object is complete
    private static final int START = 12;           // nothing yet: '{' (after optional whitespace)

    // Number sub-states: what has been read so far.
    private static final int N_MINUS = 0, N_ZERO = 1, N_INT = 2, N_DOT = 3, N_FRAC = 4, N_E = 5, N_E_SIGN = 6, N_EXP = 7;
    private static final byte[][] LITERALS = {"true".getBytes(), "false".getBytes(), "null".getBytes()};

    private int state = START;
    private final byte[] stack = new byte[MAX_DEPTH]; // '{' or '['
    private int depth;
    private boolean inKey;       // the current string is an object key
    private int count;           // UNICODE: hex digits left; LITERAL: bytes read; NUMBER: sub-state
    private int literal;         // LITERAL: which one
    private int utf8Left;        // continuation bytes the current character still needs
    private int whitespace;      // whitespace bytes in a row

    @Override
    public void copyFrom(JsonAutomaton o) {
        state = o.state;
        System.arraycopy(o.stack, 0, stack, 0, o.depth);
        depth = o.depth;
        inKey = o.inKey;
        count = o.count;
        literal = o.literal;
        utf8Left = o.utf8Left;
        whitespace = o.whitespace;
    }

    /** Whether the bytes so far are a complete JSON object (only the end may follow). */
    @Override
    public boolean complete() { return state == DONE; }

    /** Feeds {@code bytes}; false (the state then undefined) when one of them cannot follow. */
    @Override
    public boolean accept(byte[] bytes) {
        for (byte b : bytes) {
            if (!accept(b & 0xFF)) return false;
        }
        return true;
    }

    boolean accept(int c) {
        switch (state) {
            case STRING -> { return string(c); }
            case ESCAPE -> {
                if (c == 'u') { state = UNICODE; count = 4; return true; }
                if ("\"\\/bfnrt".indexOf(c) < 0) return false;
                state = STRING;
                return true;
            }
            case UNICODE -> {
                if (Character.digit(c, 16) < 0) return false;
                if (--count == 0) state = STRING;
                return true;
            }
            case LITERAL -> {
                byte[] word = LITERALS[literal];
                if (c != word[count]) return false;
                if (++count == word.length) endValue();
                return true;
            }
            case NUMBER -> {
                if (number(c)) return true;
                if (!numberMayEnd()) return false;
                endValue();
                return accept(c); // the byte after a number belongs to what follows it
            }
            case DONE -> { return false; }
            default -> { }
        }
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            if (++whitespace > MAX_WHITESPACE) return false;
            return true;
        }
        whitespace = 0;
        return switch (state) {
            case START -> c == '{' && open('{', OBJECT_OPEN);
            case OBJECT_OPEN -> c == '}' ? close('{') : c == '"' && startString(true);
            case KEY -> c == '"' && startString(true);
            case COLON -> {
                if (c != ':') yield false;
                state = VALUE;
                yield true;
            }
            case ARRAY_OPEN -> c == ']' ? close('[') : value(c);
            case VALUE -> value(c);
            case AFTER_VALUE -> {
                if (c == ',') {
                    state = stack[depth - 1] == '{' ? KEY : VALUE;
                    yield true;
                }
                yield (c == '}' || c == ']') && close(c == '}' ? '{' : '[');
            }
            default -> false;
        };
    }

    private boolean value(int c) {
        switch (c) {
            case '{' -> { return open('{', OBJECT_OPEN); }
            case '[' -> { return open('[', ARRAY_OPEN); }
            case '"' -> { return startString(false); }
            case 't' -> { return startLiteral(0); }
            case 'f' -> { return startLiteral(1); }
            case 'n' -> { return startLiteral(2); }
            case '-' -> { state = NUMBER; count = N_MINUS; return true; }
            default -> {
                if (c < '0' || c > '9') return false;
                state = NUMBER;
                count = c == '0' ? N_ZERO : N_INT;
                return true;
            }
        }
    }

    private boolean open(char bracket, int next) {
        if (depth == MAX_DEPTH) return false;
        stack[depth++] = (byte) bracket;
        state = next;
        return true;
    }

    private boolean close(char bracket) {
        if (depth == 0 || stack[depth - 1] != bracket) return false;
        depth--;
        state = depth == 0 ? DONE : AFTER_VALUE;
        return true;
    }

    private boolean startString(boolean key) {
        inKey = key;
        state = STRING;
        utf8Left = 0;
        return true;
    }

    private boolean startLiteral(int which) {
        literal = which;
        count = 1;
        state = LITERAL;
        return true;
    }

    /** After a complete value: a key's value needs ':' first; any other value is followed by ',' or a bracket. */
    private void endValue() {
        state = AFTER_VALUE;
    }

    private boolean string(int c) {
        if (utf8Left > 0) {
            if ((c & 0xC0) != 0x80) return false;
            utf8Left--;
            return true;
        }
        if (c == '"') {
            state = inKey ? COLON : AFTER_VALUE;
            return true;
        }
        if (c == '\\') { state = ESCAPE; return true; }
        if (c < 0x20) return false;            // control characters must be escaped
        if (c < 0x80) return true;
        if (c >= 0xC2 && c <= 0xDF) { utf8Left = 1; return true; }
        if (c >= 0xE0 && c <= 0xEF) { utf8Left = 2; return true; }
        if (c >= 0xF0 && c <= 0xF4) { utf8Left = 3; return true; }
        return false;                          // a continuation byte without a lead, or an invalid lead
    }

    private boolean number(int c) {
        boolean digit = c >= '0' && c <= '9';
        switch (count) {
            case N_MINUS -> {
                if (!digit) return false;
                count = c == '0' ? N_ZERO : N_INT;
                return true;
            }
            case N_ZERO, N_INT -> {
                if (digit && count == N_INT) return true;
                if (c == '.') { count = N_DOT; return true; }
                if (c == 'e' || c == 'E') { count = N_E; return true; }
                return false;
            }
            case N_DOT -> {
                if (!digit) return false;
                count = N_FRAC;
                return true;
            }
            case N_FRAC -> {
                if (digit) return true;
                if (c == 'e' || c == 'E') { count = N_E; return true; }
                return false;
            }
            case N_E -> {
                if (c == '+' || c == '-') { count = N_E_SIGN; return true; }
                if (!digit) return false;
                count = N_EXP;
                return true;
            }
            case N_E_SIGN -> {
                if (!digit) return false;
                count = N_EXP;
                return true;
            }
            default -> { return digit; } // N_EXP
        }
    }

    private boolean numberMayEnd() {
        return count == N_ZERO || count == N_INT || count == N_FRAC || count == N_EXP;
    }

    @Override
    public String toString() {
        return "JsonAutomaton[state " + state + ", depth " + depth + ", stack " + new String(Arrays.copyOf(stack, depth)) + "]";
    }
}
