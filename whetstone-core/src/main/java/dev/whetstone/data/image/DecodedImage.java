package dev.whetstone.data.image;

/**
 * An image decoded to 8-bit RGB: {@code rgb} holds {@code height × width × 3} bytes, row-major, channel last
 * (the layout the vision processor rescales and normalises). Alpha is composited on white; a GIF is its first frame.
 *
 * @param sha256 hex digest of the encoded bytes, the key of the per-job image cache
 */
public record DecodedImage(int width, int height, byte[] rgb, String sha256) {
    public DecodedImage {
        if (width <= 0 || height <= 0 || rgb.length != (long) width * height * 3)
            throw new IllegalArgumentException("rgb must hold width*height*3 bytes");
    }
}
