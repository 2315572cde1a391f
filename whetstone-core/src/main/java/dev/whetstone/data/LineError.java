package dev.whetstone.data;

/**
 * One problem found in a training file.
 *
 * @param line    1-based line number; 0 for a problem with the whole file (such as "no examples")
 * @param field   path of the offending field inside the line, such as {@code messages[2].weight}; null when
 *                the problem is the line itself (not JSON, not UTF-8, too long)
 * @param message what is wrong and, where it helps, how to fix it
 */
public record LineError(long line, String field, String message) {

    static LineError wholeFile(String message) {
        return new LineError(0, null, message);
    }

    /** {@code Line 3, messages[1].role: unknown role 'bot'; allowed: system, user, assistant.} */
    public String render() {
        return render(line, field, message);
    }

    static String render(long line, String field, String message) {
        StringBuilder out = new StringBuilder();
        if (line > 0) out.append("Line ").append(line);
        if (field != null) out.append(line > 0 ? ", " : "").append(field);
        if (!out.isEmpty()) out.append(": ");
        out.append(message);
        char last = message.isEmpty() ? ' ' : message.charAt(message.length() - 1);
        if (last != '.' && last != '?' && last != '!') out.append('.');
        return out.toString();
    }
}
