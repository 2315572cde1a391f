package dev.whetstone.data;

/** A part of a message's content: text or an image reference (URL or data: URL). */
public sealed interface ContentPart {
    record Text(String text) implements ContentPart {}

    /** @param detail "auto", "low" or "high" (null when absent) */
    record Image(String url, String detail) implements ContentPart {}
}
