package dev.whetstone.engine.torch.infer;

import dev.whetstone.engine.torch.tokenizer.IncrementalDecoder;
import java.util.List;

/**
 * One generation's text as tokens arrive: whole characters only (the incremental decoder holds back a partial
 * UTF-8 character), and no stop string ever released — text that could be the start of a stop string is held
 * until the next tokens show it is not. Concatenating every released piece gives the output.
 */
final class TextStream {
    private final IncrementalDecoder decoder;
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    TextStream(IncrementalDecoder decoder, List<String> stops) {
        this.decoder = decoder;
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
    }

    /** Adds a token; returns the text it releases ("" while held). After a stop string, {@link #stopped()}. */
    String push(int id) {
        held.append(decoder.add(id));
        int cut = firstStop();
        if (cut >= 0) {
            stopped = true;
            String out = held.substring(0, cut);
            held.setLength(0);
            return out;
        }
        int keep = longestStopPrefixSuffix();
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return out;
    }

    /** Whether the text reached a stop string (the output ends just before it). */
    boolean stopped() { return stopped; }

    /** At the end of a generation that did not stop on a stop string: everything still held. */
    String finish() {
        if (stopped) return "";
        held.append(decoder.flush());
        int cut = firstStop();
        String out = cut >= 0 ? held.substring(0, cut) : held.toString();
        held.setLength(0);
        return out;
    }

    private int firstStop() {
        int best = -1;
        for (String s : stops) {
            int i = held.indexOf(s);
            if (i >= 0 && (best < 0 || i < best)) best = i;
        }
        return best;
    }

    /** The longest tail of the held text that is a proper prefix of some stop string. */
    private int longestStopPrefixSuffix() {
        int best = 0;
        String text = held.toString();
        for (String s : stops) {
            for (int len = Math.min(s.length() - 1, held.length()); len > best; len--) {
                if (text.regionMatches(text.length() - len, s, 0, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }
}
