package dev.whetstone.data.image;

/**
 * Turns an image reference from a message's content part (a base64 {@code data:} URL or an http(s) URL) into
 * pixels, under the service's fetch rules (no private, loopback or link-local targets; size and time limits).
 * The one place where image bytes enter the service: validation, training and inference all go through it.
 */
public interface ImageLoader {
    DecodedImage load(String url) throws ImageLoadException;
}
