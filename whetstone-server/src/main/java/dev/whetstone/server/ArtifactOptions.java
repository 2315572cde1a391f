package dev.whetstone.server;

import java.util.Locale;

/**
 * Where job artifacts (checkpoints, resume points, fine-tuned models) live (docs/architecture.md, "Artifacts").
 *
 * @param objectStore false: in the data folder, as one machine keeps them (the default; nothing is copied); true: in
 *                    the blob store every process shares, read through a local cache — for serve and worker
 *                    processes on machines that share no disk
 * @param cacheBytes  the most the local cache of downloaded folders may hold (least recently used folders not in
 *                    use are evicted); only with {@code objectStore}
 */
public record ArtifactOptions(boolean objectStore, long cacheBytes) {
    /** 20 GiB: a few 7B base models in bf16, or many adapters. */
    public static final long DEFAULT_CACHE_BYTES = 20L << 30;
    public static final ArtifactOptions DATA_FOLDER = new ArtifactOptions(false, DEFAULT_CACHE_BYTES);

    public ArtifactOptions {
        if (cacheBytes < 0) throw new IllegalArgumentException("the cache size must be 0 or more bytes, got " + cacheBytes);
    }

    public static ArtifactOptions objectStore(long cacheBytes) { return new ArtifactOptions(true, cacheBytes); }

    /**
     * A size such as {@code 20g}, {@code 512m}, {@code 1t} or plain bytes; the suffixes k, m, g, t are powers of
     * 1024 (an optional trailing {@code b} or {@code ib} is accepted).
     *
     * @throws IllegalArgumentException saying what a valid size looks like
     */
    public static long parseSize(String text) {
        String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (s.endsWith("ib")) s = s.substring(0, s.length() - 2);
        else if (s.endsWith("b")) s = s.substring(0, s.length() - 1);
        int shift = 0;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'k' -> shift = 10;
                case 'm' -> shift = 20;
                case 'g' -> shift = 30;
                case 't' -> shift = 40;
                default -> { }
            }
        }
        String digits = shift == 0 ? s : s.substring(0, s.length() - 1);
        try {
            long n = Long.parseLong(digits);
            if (n < 0 || (shift > 0 && n > (Long.MAX_VALUE >> shift))) throw new NumberFormatException();
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size: use a whole number of bytes with an"
                    + " optional k, m, g or t suffix (powers of 1024), such as 20g");
        }
    }
}
