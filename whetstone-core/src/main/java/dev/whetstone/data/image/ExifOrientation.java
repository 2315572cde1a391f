package dev.whetstone.data.image;

/**
 * A JPEG's EXIF orientation tag (0x0112) and the transform that shows the image upright, as PIL's
 * {@code ImageOps.exif_transpose} applies it: 2 mirror left-right, 3 rotate 180°, 4 mirror top-bottom,
 * 5 transpose, 6 rotate 90° clockwise, 7 transverse, 8 rotate 90° counter-clockwise. Anything unreadable counts
 * as 1 (as stored): a damaged EXIF block must not make a decodable image fail.
 */
final class ExifOrientation {
    private ExifOrientation() {}

    /** The orientation in the APP1 Exif segment before the scan data; 1 when there is none. */
    static int ofJpeg(byte[] b) {
        int i = 2; // after SOI
        while (i + 4 <= b.length && (b[i] & 0xFF) == 0xFF) {
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xDA || marker == 0xD9) return 1; // start of scan / end of image: no more metadata
            if (marker == 0xFF) { // fill byte
                i++;
                continue;
            }
            int length = u16(b, i + 2, false);
            if (length < 2) return 1;
            int data = i + 4;
            if (marker == 0xE1 && data + 6 <= b.length && b[data] == 'E' && b[data + 1] == 'x' && b[data + 2] == 'i'
                    && b[data + 3] == 'f' && b[data + 4] == 0 && b[data + 5] == 0) {
                return tiffOrientation(b, data + 6, Math.min(b.length, i + 2 + length));
            }
            i += 2 + length;
        }
        return 1;
    }

    /** Orientation from IFD0 of the TIFF structure in {@code b[tiff, end)}. */
    private static int tiffOrientation(byte[] b, int tiff, int end) {
        if (tiff + 8 > end) return 1;
        boolean little;
        if (b[tiff] == 'I' && b[tiff + 1] == 'I') little = true;
        else if (b[tiff] == 'M' && b[tiff + 1] == 'M') little = false;
        else return 1;
        long ifd = u32(b, tiff + 4, little);
        if (ifd < 8 || tiff + ifd + 2 > end) return 1;
        int at = (int) (tiff + ifd);
        int entries = u16(b, at, little);
        for (int e = 0; e < entries; e++) {
            int entry = at + 2 + 12 * e;
            if (entry + 12 > end) return 1;
            if (u16(b, entry, little) != 0x0112) continue;
            if (u16(b, entry + 2, little) != 3) return 1; // SHORT
            int value = u16(b, entry + 8, little);
            return value >= 1 && value <= 8 ? value : 1;
        }
        return 1;
    }

    private static int u16(byte[] b, int at, boolean little) {
        int a = b[at] & 0xFF;
        int c = b[at + 1] & 0xFF;
        return little ? a | c << 8 : a << 8 | c;
    }

    private static long u32(byte[] b, int at, boolean little) {
        long hi = u16(b, little ? at + 2 : at, little);
        long lo = u16(b, little ? at : at + 2, little);
        return hi << 16 | lo;
    }

    /** The upright image: {@code rgb} ({@code height × width × 3}, as stored) transformed for {@code orientation}. */
    static DecodedImage apply(int orientation, int width, int height, byte[] rgb, String sha256) {
        if (orientation <= 1 || orientation > 8) return new DecodedImage(width, height, rgb, sha256);
        boolean swap = orientation >= 5;
        int outW = swap ? height : width;
        int outH = swap ? width : height;
        byte[] out = new byte[rgb.length];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                // (sx, sy): the stored pixel shown at (x, y)
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = width - 1 - x; sy = y; }
                    case 3 -> { sx = width - 1 - x; sy = height - 1 - y; }
                    case 4 -> { sx = x; sy = height - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = height - 1 - x; }
                    case 7 -> { sx = width - 1 - y; sy = height - 1 - x; }
                    default -> { sx = width - 1 - y; sy = x; } // 8
                }
                System.arraycopy(rgb, (sy * width + sx) * 3, out, (y * outW + x) * 3, 3);
            }
        }
        return new DecodedImage(outW, outH, out, sha256);
    }
}
