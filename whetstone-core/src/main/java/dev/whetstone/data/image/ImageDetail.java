package dev.whetstone.data.image;

import java.util.Locale;

/**
 * An image part's {@code detail} ({@code "low"}, {@code "high"}, {@code "auto"}; absent means auto), as the vision
 * processor applies it (docs/vision.md, "Detail"). For an Idefics3 / SmolVLM checkpoint:
 * <ul>
 *   <li>{@link #LOW}: no tiles — the image is resized to one {@code max_image_size} square (the global view alone:
 *       one frame, {@code image_seq_len} image tokens, 64 for SmolVLM-256M);</li>
 *   <li>{@link #HIGH}: tiles — the longest edge resized to {@code size.longest_edge}, cut into
 *       {@code max_image_size} tiles plus the global view (up to 4 × 4 + 1 frames for a 2048-pixel edge over
 *       512-pixel tiles), whatever the checkpoint's {@code do_image_splitting} says;</li>
 *   <li>{@link #AUTO}: exactly what the checkpoint's {@code preprocessor_config.json} says
 *       ({@code do_image_splitting} as published).</li>
 * </ul>
 */
public enum ImageDetail {
    LOW, HIGH, AUTO;

    /** The wire value ({@code null} → AUTO); the validator has already refused other values. */
    public static ImageDetail of(String wire) {
        if (wire == null) return AUTO;
        return switch (wire.toLowerCase(Locale.ROOT)) {
            case "low" -> LOW;
            case "high" -> HIGH;
            case "auto" -> AUTO;
            default -> throw new IllegalArgumentException("unknown image detail '" + wire + "'; allowed: low, high, auto");
        };
    }

    /** Whether the image is split into tiles, given the checkpoint's own {@code do_image_splitting}. */
    public boolean split(boolean checkpointSplits) {
        return switch (this) {
            case LOW -> false;
            case HIGH -> true;
            case AUTO -> checkpointSplits;
        };
    }

    public String wireName() { return name().toLowerCase(Locale.ROOT); }
}
