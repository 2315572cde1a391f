package dev.whetstone.data.prepare;

import java.util.List;

/** Common prefixes and suffixes of texts, for the separator and stop-sequence conventions. */
final class Suffixes {
    private Suffixes() {}

    static String commonSuffix(List<String> texts) {
        if (texts.isEmpty()) return "";
        String suffix = texts.getFirst();
        for (String text : texts) {
            int n = 0;
            while (n < suffix.length() && n < text.length()
                    && suffix.charAt(suffix.length() - 1 - n) == text.charAt(text.length() - 1 - n)) n++;
            suffix = suffix.substring(suffix.length() - n);
            if (suffix.isEmpty()) break;
        }
        return suffix;
    }
}
