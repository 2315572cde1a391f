package dev.whetstone.graders;

import dev.whetstone.error.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A multi grader's {@code calculate_output}: arithmetic over the sub-graders' rewards, parsed into a tree once and
 * evaluated per sample — nothing is ever executed as code. Grammar (usual precedence, {@code ^} binds tighter than
 * unary minus and associates to the right, as in the OpenAI graders guide's formulas):
 *
 * <pre>
 * expr    := term (('+' | '-') term)*
 * term    := unary (('*' | '/') unary)*
 * unary   := ('+' | '-') unary | power
 * power   := primary ('^' unary)?
 * primary := number | name | function '(' expr (',' expr)* ')' | '(' expr ')'
 * </pre>
 * Functions: {@code min}, {@code max} (one or more arguments), {@code abs}, {@code floor}, {@code ceil}, {@code exp},
 * {@code sqrt}, {@code log} (natural logarithm), one argument each. Names are the sub-graders' keys.
 */
public final class Formula {
    public static final Set<String> FUNCTIONS = Set.of("min", "max", "abs", "floor", "ceil", "exp", "sqrt", "log");
    private static final int MAX_LENGTH = 10_000;
    private static final int MAX_DEPTH = 200;

    private sealed interface Node {}
    private record Num(double value) implements Node {}
    private record Var(String name) implements Node {}
    private record Neg(Node operand) implements Node {}
    private record Bin(char op, Node left, Node right) implements Node {}
    private record Call(String function, List<Node> args) implements Node {}

    private final String source;
    private final Node root;

    private Formula(String source, Node root) {
        this.source = source;
        this.root = root;
    }

    public String source() { return source; }

    /**
     * @param names the sub-graders' keys a formula may name
     * @throws ApiException 400 on {@code param}, saying what is wrong and at which character
     */
    public static Formula parse(String text, Set<String> names, String param) {
        if (text.length() > MAX_LENGTH) throw ApiException.invalid(param, "'" + param + "' is longer than " + MAX_LENGTH + " characters.");
        Parser p = new Parser(text, names, param);
        Node root = p.expr(0);
        p.skipSpace();
        if (p.pos < text.length()) throw p.error("unexpected '" + text.charAt(p.pos) + "'");
        return new Formula(text, root);
    }

    /** @throws ArithmeticException when the result is not a finite number (division by zero, log of 0, …) */
    public double evaluate(Map<String, Double> values) {
        double v = eval(root, values);
        if (!Double.isFinite(v)) throw new ArithmeticException("'" + source + "' evaluates to " + v + " for " + values);
        return v;
    }

    private static double eval(Node n, Map<String, Double> values) {
        return switch (n) {
            case Num num -> num.value();
            case Var var -> values.get(var.name());
            case Neg neg -> -eval(neg.operand(), values);
            case Bin bin -> {
                double a = eval(bin.left(), values), b = eval(bin.right(), values);
                yield switch (bin.op()) {
                    case '+' -> a + b;
                    case '-' -> a - b;
                    case '*' -> a * b;
                    case '/' -> {
                        if (b == 0) throw new ArithmeticException("division by zero");
                        yield a / b;
                    }
                    default -> Math.pow(a, b);
                };
            }
            case Call call -> {
                double[] args = call.args().stream().mapToDouble(x -> eval(x, values)).toArray();
                yield switch (call.function()) {
                    case "min" -> java.util.Arrays.stream(args).min().orElseThrow();
                    case "max" -> java.util.Arrays.stream(args).max().orElseThrow();
                    case "abs" -> Math.abs(args[0]);
                    case "floor" -> Math.floor(args[0]);
                    case "ceil" -> Math.ceil(args[0]);
                    case "exp" -> Math.exp(args[0]);
                    case "sqrt" -> Math.sqrt(args[0]);
                    default -> Math.log(args[0]);
                };
            }
        };
    }

    private static final class Parser {
        final String s;
        final Set<String> names;
        final String param;
        int pos;

        Parser(String s, Set<String> names, String param) {
            this.s = s;
            this.names = names;
            this.param = param;
        }

        ApiException error(String what) {
            return ApiException.invalid(param, "'" + param + "' cannot be parsed at character " + pos + ": " + what
                    + ". Use numbers, the sub-graders' names " + names.stream().sorted().toList()
                    + ", + - * / ^, parentheses and " + FUNCTIONS.stream().sorted().toList() + ".");
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }

        boolean eat(char c) {
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        Node expr(int depth) {
            if (depth > MAX_DEPTH) throw error("nested more than " + MAX_DEPTH + " levels deep");
            Node left = term(depth);
            while (true) {
                if (eat('+')) left = new Bin('+', left, term(depth));
                else if (eat('-')) left = new Bin('-', left, term(depth));
                else return left;
            }
        }

        Node term(int depth) {
            Node left = unary(depth);
            while (true) {
                if (eat('*')) left = new Bin('*', left, unary(depth));
                else if (eat('/')) left = new Bin('/', left, unary(depth));
                else return left;
            }
        }

        Node unary(int depth) {
            if (depth > MAX_DEPTH) throw error("nested more than " + MAX_DEPTH + " levels deep");
            if (eat('-')) return new Neg(unary(depth + 1));
            if (eat('+')) return unary(depth + 1);
            Node base = primary(depth);
            if (eat('^')) return new Bin('^', base, unary(depth + 1));
            return base;
        }

        Node primary(int depth) {
            skipSpace();
            if (pos >= s.length()) throw error("the formula ends where a number, name or '(' was expected");
            char c = s.charAt(pos);
            if (c == '(') {
                pos++;
                Node inner = expr(depth + 1);
                if (!eat(')')) throw error("missing ')'");
                return inner;
            }
            if (Character.isDigit(c) || c == '.') return number();
            if (Character.isLetter(c) || c == '_') {
                int start = pos;
                while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) pos++;
                String word = s.substring(start, pos);
                skipSpace();
                if (pos < s.length() && s.charAt(pos) == '(' && FUNCTIONS.contains(word)) {
                    pos++;
                    List<Node> args = new ArrayList<>();
                    do args.add(expr(depth + 1)); while (eat(','));
                    if (!eat(')')) throw error("missing ')' after the arguments of " + word);
                    boolean variadic = word.equals("min") || word.equals("max");
                    if (!variadic && args.size() != 1) {
                        pos = start;
                        throw error(word + " takes one argument, got " + args.size());
                    }
                    return new Call(word, List.copyOf(args));
                }
                if (!names.contains(word)) {
                    pos = start;
                    throw error("'" + word + "' is neither a sub-grader's name nor a function");
                }
                return new Var(word);
            }
            throw error("unexpected '" + c + "'");
        }

        Node number() {
            int start = pos;
            while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.')) pos++;
            if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                int save = pos++;
                if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) pos++;
                if (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                    while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
                } else {
                    pos = save;
                }
            }
            String text = s.substring(start, pos);
            try {
                return new Num(Double.parseDouble(text));
            } catch (NumberFormatException e) {
                pos = start;
                throw error("'" + text + "' is not a number");
            }
        }
    }
}
