package dev.whetstone.engine.torch.template;

import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites the few Jinja2 expressions that jinjava parses differently into equivalent ones it parses right.
 * Each rewrite is local and keeps the meaning:
 * <ul>
 *   <li>{@code seq[::-1]} (reversal by slice; jinjava has no slice step) becomes {@code (seq|reverse)};</li>
 *   <li>keyword values in {@code namespace(...)} are parenthesised: jinjava binds {@code a=x|length - 1} as
 *       {@code (a=x)|length - 1}.</li>
 * </ul>
 */
public final class TemplateSource {
    private TemplateSource() {}

    public static String normalize(String template) {
        return parenthesizeNamespaceArguments(reverseSlices(template));
    }

    private static String reverseSlices(String template) {
        return template.replaceAll("([A-Za-z_][A-Za-z0-9_.]*)\\[::-1\\]", "($1|reverse)");
    }

    private static String parenthesizeNamespaceArguments(String template) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        int at;
        while ((at = template.indexOf("namespace(", from)) >= 0) {
            int open = at + "namespace(".length();
            int close = matchingParen(template, open);
            if (close < 0) {
                break;
            }
            out.append(template, from, open);
            List<String> arguments = splitTopLevel(template.substring(open, close));
            for (int i = 0; i < arguments.size(); i++) {
                out.append(i == 0 ? "" : ",").append(parenthesizeValue(arguments.get(i)));
            }
            from = close;
        }
        return out.append(template.substring(from)).toString();
    }

    private static String parenthesizeValue(String argument) {
        int eq = argument.indexOf('=');
        boolean keyword = eq > 0 && argument.substring(0, eq).strip().matches("[A-Za-z_][A-Za-z0-9_]*")
                && (eq + 1 >= argument.length() || argument.charAt(eq + 1) != '=');
        return keyword ? argument.substring(0, eq + 1) + "(" + argument.substring(eq + 1) + ")" : argument;
    }

    /** Index of the parenthesis closing the one opened just before {@code from}, skipping quoted strings. */
    private static int matchingParen(String s, int from) {
        int depth = 1;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                i = endOfString(s, i);
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if ((c == ')' || c == ']' || c == '}') && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> splitTopLevel(String arguments) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < arguments.length(); i++) {
            char c = arguments.charAt(i);
            if (c == '\'' || c == '"') {
                i = endOfString(arguments, i);
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(arguments.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(arguments.substring(start));
        return parts;
    }

    private static int endOfString(String s, int quote) {
        char q = s.charAt(quote);
        int i = quote + 1;
        while (i < s.length() && s.charAt(i) != q) {
            i += s.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(i, s.length() - 1);
    }
}
