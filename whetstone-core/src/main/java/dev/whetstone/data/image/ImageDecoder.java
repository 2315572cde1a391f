package dev.whetstone.data.image;

import com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi;
import dev.whetstone.data.image.ImageLoadException.Reason;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Encoded image bytes to RGB8. The format is told by the bytes' signature, not by a declared media type: JPEG, PNG
 * and GIF go to the JDK's ImageIO readers, WEBP (lossy VP8, lossless VP8L, extended VP8X) to TwelveMonkeys' reader.
 * The dimensions are read from the header first and checked against the pixel limit, so a decompression bomb is
 * refused before any pixel is allocated. A GIF or an animated WEBP yields its first frame.
 *
 * <p>Samples are taken as stored, without colour management (ICC profiles are ignored, as PIL does when
 * {@code transformers} loads an image); grey is replicated into R, G and B; alpha is composited on white, as
 * {@code transformers}' {@code convert_to_rgb} does: {@code c' = round((c·a + 255·(255 − a)) / 255)}. A JPEG's
 * EXIF orientation is applied, as {@code transformers}' {@code load_image} does ({@code ImageOps.exif_transpose}),
 * so a photo a camera stored sideways is seen upright.
 */
final class ImageDecoder {
    /** The formats decoded; the name is the ImageIO format name. */
    enum Format {
        JPEG("jpeg"), PNG("png"), GIF("gif"), WEBP("webp");

        final String imageIoName;

        Format(String imageIoName) { this.imageIoName = imageIoName; }
    }

    private final long maxPixels;

    ImageDecoder(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    DecodedImage decode(byte[] bytes, String sha256) throws ImageLoadException {
        Format format = sniff(bytes);
        ImageReader reader = reader(format);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true); // forward only, no metadata: the header and the pixels are all we use
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if (width <= 0 || height <= 0) {
                throw new ImageLoadException(Reason.NOT_AN_IMAGE, "The " + format + " image declares no pixels ("
                        + width + " × " + height + ").");
            }
            if ((long) width * height > maxPixels) {
                throw new ImageLoadException(Reason.TOO_LARGE, "The " + format + " image has " + width + " × " + height
                        + " = " + (long) width * height + " pixels; the limit is " + maxPixels + " pixels.");
            }
            BufferedImage image = reader.read(0);
            byte[] rgb = rgb(image);
            int orientation = format == Format.JPEG ? ExifOrientation.ofJpeg(bytes) : 1;
            return ExifOrientation.apply(orientation, image.getWidth(), image.getHeight(), rgb, sha256);
        } catch (ImageLoadException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Decoders throw IIOException for bad data and, on some truncated or corrupt inputs, runtime exceptions.
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (format == Format.JPEG && why.contains("Unsupported Image Type")) {
                throw new ImageLoadException(Reason.UNSUPPORTED_FORMAT,
                        "The JPEG image uses a colour space that is not supported (CMYK or YCCK); use an RGB or greyscale JPEG.");
            }
            throw new ImageLoadException(Reason.NOT_AN_IMAGE, "The bytes start like a " + format
                    + " image but could not be decoded (" + why + ").");
        } finally {
            reader.dispose();
        }
    }

    /** The format told by the first bytes; known but unsupported image formats are named. */
    static Format sniff(byte[] b) throws ImageLoadException {
        if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) return Format.JPEG;
        if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) return Format.PNG;
        if (startsWith(b, 0, 'G', 'I', 'F', '8', '7', 'a') || startsWith(b, 0, 'G', 'I', 'F', '8', '9', 'a')) {
            return Format.GIF;
        }
        if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) return Format.WEBP;
        String other = unsupported(b);
        if (other != null) {
            throw new ImageLoadException(Reason.UNSUPPORTED_FORMAT, "The image is " + other
                    + ", which is not supported; use JPEG, PNG, WEBP or GIF.");
        }
        throw new ImageLoadException(Reason.NOT_AN_IMAGE,
                "The content is not an image (its first bytes are not those of JPEG, PNG, WEBP or GIF).");
    }

    private static String unsupported(byte[] b) {
        if (startsWith(b, 0, 'B', 'M')) return "a BMP";
        if (startsWith(b, 0, 'I', 'I', 0x2A, 0x00) || startsWith(b, 0, 'M', 'M', 0x00, 0x2A)) return "a TIFF";
        if (startsWith(b, 4, 'f', 't', 'y', 'p')) {
            String brand = b.length >= 12 ? new String(b, 8, 4, java.nio.charset.StandardCharsets.ISO_8859_1) : "";
            if (brand.startsWith("avi")) return "an AVIF";
            if (brand.startsWith("hei") || brand.startsWith("mif") || brand.startsWith("hev")) return "a HEIC/HEIF";
        }
        if (startsWith(b, 0, 0x00, 0x00, 0x01, 0x00)) return "an ICO";
        if (startsWith(b, 0, 0x00, 0x00, 0x00, 0x0C, 'j', 'P')) return "a JPEG 2000";
        if (startsWith(b, 0, 0xFF, 0x0A)) return "a JPEG XL";
        if (startsWith(b, 0, 0x8A, 'M', 'N', 'G')) return "an MNG";
        String text = new String(b, 0, Math.min(b.length, 256), java.nio.charset.StandardCharsets.ISO_8859_1)
                .stripLeading().toLowerCase(java.util.Locale.ROOT);
        if (text.startsWith("<svg") || (text.startsWith("<?xml") && text.contains("<svg"))) return "an SVG";
        return null;
    }

    private static boolean startsWith(byte[] b, int at, int... signature) {
        if (b.length < at + signature.length) return false;
        for (int i = 0; i < signature.length; i++) if ((b[at + i] & 0xFF) != signature[i]) return false;
        return true;
    }

    private static ImageReader reader(Format format) {
        if (format == Format.WEBP) {
            // Named directly rather than found through ImageIO's service registry, which a repackaged jar can lose.
            return new WebPImageReaderSpi().createReaderInstance(null);
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName);
        if (!readers.hasNext()) throw new IllegalStateException("the JDK has no " + format + " reader");
        return readers.next();
    }

    /** {@code height × width × 3} bytes, row-major, channel last. */
    static byte[] rgb(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR
                && image.getRaster().getDataBuffer() instanceof DataBufferByte buffer
                && buffer.getNumBanks() == 1 && buffer.getData().length == out.length) {
            // JPEG's usual result: packed B, G, R per pixel; only the order changes.
            byte[] bgr = buffer.getData();
            for (int i = 0; i < out.length; i += 3) {
                out[i] = bgr[i + 2];
                out[i + 1] = bgr[i + 1];
                out[i + 2] = bgr[i];
            }
            return out;
        }
        ColorModel model = image.getColorModel();
        if (model instanceof ComponentColorModel && model.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            grey(image.getRaster(), model, out);
            return out;
        }
        // Palette, packed and sRGB component images: getRGB gives non-premultiplied sRGB ARGB, exact for 8-bit data.
        int[] row = new int[width];
        int o = 0;
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            for (int x = 0; x < width; x++) {
                int argb = row[x];
                int a = argb >>> 24;
                out[o++] = (byte) onWhite((argb >> 16) & 0xFF, a);
                out[o++] = (byte) onWhite((argb >> 8) & 0xFF, a);
                out[o++] = (byte) onWhite(argb & 0xFF, a);
            }
        }
        return out;
    }

    /**
     * Grey (and grey + alpha) samples taken as they are: the JDK's grey colour space is linear, and converting it to
     * sRGB through getRGB would brighten every mid-tone, which no other image library does.
     */
    private static void grey(Raster raster, ColorModel model, byte[] out) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        int greyBits = model.getComponentSize(0);
        boolean alpha = model.hasAlpha();
        int alphaBits = alpha ? model.getComponentSize(1) : 8;
        int[] g = new int[width];
        int[] a = new int[width];
        int o = 0;
        for (int y = 0; y < height; y++) {
            raster.getSamples(0, y, width, 1, 0, g);
            if (alpha) raster.getSamples(0, y, width, 1, 1, a);
            for (int x = 0; x < width; x++) {
                int v = to8(g[x], greyBits);
                int c = alpha ? onWhite(v, to8(a[x], alphaBits)) : v;
                out[o++] = (byte) c;
                out[o++] = (byte) c;
                out[o++] = (byte) c;
            }
        }
    }

    private static int to8(int sample, int bits) {
        if (bits == 8) return sample;
        int max = (1 << bits) - 1;
        return (int) ((sample * 255L + max / 2) / max);
    }

    /** A channel over a white background: {@code round((c·a + 255·(255 − a)) / 255)}. */
    static int onWhite(int c, int a) {
        if (a == 255) return c;
        return (c * a + 255 * (255 - a) + 127) / 255;
    }
}
