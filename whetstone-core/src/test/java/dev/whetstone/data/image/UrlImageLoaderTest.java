package dev.whetstone.data.image;

import static dev.whetstone.data.image.TestImages.dataUrl;
import static dev.whetstone.data.image.TestImages.encode;
import static dev.whetstone.data.image.TestImages.pixel;
import static dev.whetstone.data.image.TestImages.solid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.whetstone.data.image.ImageLoadException.Reason;
import dev.whetstone.net.SafeHttpFetcher;
import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** data: and http(s) URLs to RGB8: the four formats, alpha on white, the limits and each refusal's reason. */
class UrlImageLoaderTest {
    /** Test servers listen on loopback, which the production policy refuses: this loader is allowed to reach it. */
    private static final UrlImageLoader LOCAL = new UrlImageLoader(new SafeHttpFetcher(true, Duration.ofSeconds(2)),
            Duration.ofSeconds(5), UrlImageLoader.MAX_ENCODED_BYTES, UrlImageLoader.MAX_PIXELS, "");

    private HttpServer server;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = served.get(exchange.getRequestURI().getPath());
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Test
    void aPngDataUrlBecomesRowMajorChannelLastRgbWithTheDigestOfItsBytes() throws Exception {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        int[][] colours = {{0xFF0000, 0x00FF00, 0x0000FF}, {0x0A141E, 0xFFFFFF, 0x010203}};
        for (int y = 0; y < 2; y++) for (int x = 0; x < 3; x++) image.setRGB(x, y, colours[y][x]);
        byte[] png = encode(image, "png");

        DecodedImage decoded = LOCAL.load(dataUrl("image/png", png));

        assertThat(decoded.width()).isEqualTo(3);
        assertThat(decoded.height()).isEqualTo(2);
        assertThat(decoded.sha256()).isEqualTo(UrlImageLoader.sha256(png));
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                int c = colours[y][x];
                assertThat(pixel(decoded, x, y)).containsExactly((c >> 16) & 0xFF, (c >> 8) & 0xFF, c & 0xFF);
            }
        }
    }

    @Test
    void alphaIsCompositedOnWhite() throws Exception {
        BufferedImage image = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, 0x00000000);          // transparent black: white
        image.setRGB(1, 0, 0x80000000);          // half-covered black: 255·127/255 → 127
        image.setRGB(2, 0, 0x40C86432);          // (200, 100, 50) at alpha 64
        DecodedImage decoded = LOCAL.load(dataUrl("image/png", encode(image, "png")));

        assertThat(pixel(decoded, 0, 0)).containsExactly(255, 255, 255);
        assertThat(pixel(decoded, 1, 0)).containsExactly(127, 127, 127);
        // round((c·64 + 255·191) / 255) = 241, 216, 204: what PIL's alpha_composite on white (transformers' convert_to_rgb) gives
        assertThat(pixel(decoded, 2, 0)).containsExactly(241, 216, 204);
    }

    @Test
    void greyIsTakenAsStoredNotBrightenedByTheJdksLinearGreySpace() throws Exception {
        BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 100);
        grey.getRaster().setSample(1, 0, 0, 7);
        DecodedImage decoded = LOCAL.load(dataUrl("image/png", encode(grey, "png")));
        assertThat(pixel(decoded, 0, 0)).containsExactly(100, 100, 100);
        assertThat(pixel(decoded, 1, 0)).containsExactly(7, 7, 7);
    }

    @Test
    void aJpegDecodesToItsColourWithinTheCodecsLoss() throws Exception {
        byte[] jpeg = encode(solid(16, 16, 0xC8281E, BufferedImage.TYPE_INT_RGB), "jpeg");
        DecodedImage decoded = LOCAL.load(dataUrl("image/jpeg", jpeg));
        assertThat(decoded.width()).isEqualTo(16);
        // A flat block keeps only its DC coefficients; quantisation and YCbCr rounding move it by a few levels.
        for (int[] p : new int[][] {pixel(decoded, 0, 0), pixel(decoded, 15, 15)}) {
            assertThat(p[0]).isBetween(200 - 8, 200 + 8);
            assertThat(p[1]).isBetween(40 - 8, 40 + 8);
            assertThat(p[2]).isBetween(30 - 8, 30 + 8);
        }
    }

    /**
     * Quadrants (top-left, top-right, bottom-left, bottom-right) and size after each EXIF orientation, as PIL's
     * {@code ImageOps.exif_transpose} shows a 32 × 16 JPEG of red, green / blue, white quadrants (computed with PIL).
     */
    private static final String[] PIL_EXIF_TRANSPOSE = {"", "RGBW 32x16", "GRWB 32x16", "WBGR 32x16", "BWRG 32x16",
            "RBGW 16x32", "BRWG 16x32", "WGBR 16x32", "GWRB 16x32"};

    @Test
    void aJpegIsTurnedUprightByItsExifOrientationAsTransformersLoadsIt() throws Exception {
        BufferedImage quadrants = new BufferedImage(32, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                quadrants.setRGB(x, y, y < 8 ? (x < 16 ? 0xFF0000 : 0x00FF00) : (x < 16 ? 0x0000FF : 0xFFFFFF));
            }
        }
        byte[] jpeg = encode(quadrants, "jpeg");
        for (int orientation = 1; orientation <= 8; orientation++) {
            DecodedImage d = LOCAL.load(dataUrl("image/jpeg", withExifOrientation(jpeg, orientation, orientation % 2 == 0)));
            int w = d.width();
            int h = d.height();
            String seen = nearest(pixel(d, w / 4, h / 4)) + nearest(pixel(d, 3 * w / 4, h / 4))
                    + nearest(pixel(d, w / 4, 3 * h / 4)) + nearest(pixel(d, 3 * w / 4, 3 * h / 4)) + " " + w + "x" + h;
            assertThat(seen).as("orientation " + orientation).isEqualTo(PIL_EXIF_TRANSPOSE[orientation]);
        }
    }

    private static String nearest(int[] p) {
        String[] names = {"R", "G", "B", "W"};
        int[][] colours = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}};
        int best = 0;
        long bestDistance = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            long distance = 0;
            for (int c = 0; c < 3; c++) distance += (long) (p[c] - colours[i][c]) * (p[c] - colours[i][c]);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = i;
            }
        }
        return names[best];
    }

    /** The JPEG with an APP1 Exif segment (one IFD0 entry: orientation) right after its SOI marker. */
    private static byte[] withExifOrientation(byte[] jpeg, int orientation, boolean littleEndian) {
        ByteBuffer tiff = ByteBuffer.allocate(26).order(littleEndian ? java.nio.ByteOrder.LITTLE_ENDIAN
                : java.nio.ByteOrder.BIG_ENDIAN);
        tiff.put(littleEndian ? (byte) 'I' : (byte) 'M').put(littleEndian ? (byte) 'I' : (byte) 'M').putShort((short) 42)
                .putInt(8).putShort((short) 1)
                .putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0)
                .putInt(0);
        byte[] exif = "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1);
        int length = 2 + exif.length + tiff.capacity();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xE1);
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes(exif);
        out.writeBytes(tiff.array());
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    @Test
    void aGifYieldsItsFirstFrame() throws Exception {
        byte[] gif = TestImages.animatedGif(4, 4, 0xFF0000, 0x0000FF);
        DecodedImage decoded = LOCAL.load(dataUrl("image/gif", gif));
        assertThat(pixel(decoded, 2, 2)).containsExactly(255, 0, 0);
    }

    @Test
    void losslessWebpDecodesExactlyWithAlphaOnWhite() throws Exception {
        // Made with cwebp -lossless -exact from RGBA pixels (row 0) red, green, blue, (10,20,30);
        // (row 1) transparent white, (0,0,0,128), (200,100,50,64), (1,2,3).
        byte[] webp = TestImages.resource("lossless-4x2.webp");
        DecodedImage decoded = LOCAL.load(dataUrl("image/webp", webp));
        assertThat(decoded.width()).isEqualTo(4);
        assertThat(decoded.height()).isEqualTo(2);
        assertThat(pixel(decoded, 0, 0)).containsExactly(255, 0, 0);
        assertThat(pixel(decoded, 1, 0)).containsExactly(0, 255, 0);
        assertThat(pixel(decoded, 2, 0)).containsExactly(0, 0, 255);
        assertThat(pixel(decoded, 3, 0)).containsExactly(10, 20, 30);
        assertThat(pixel(decoded, 0, 1)).containsExactly(255, 255, 255);
        assertThat(pixel(decoded, 1, 1)).containsExactly(127, 127, 127);
        assertThat(pixel(decoded, 2, 1)).containsExactly(241, 216, 204);
        assertThat(pixel(decoded, 3, 1)).containsExactly(1, 2, 3);
    }

    @Test
    void lossyWebpDecodesToItsColourWithinTheCodecsLoss() throws Exception {
        // cwebp -q 90 of a flat 16 × 16 (200, 40, 30); libwebp itself decodes it to (201, 40, 33) and (201, 41, 31).
        DecodedImage decoded = LOCAL.load(dataUrl("image/webp", TestImages.resource("lossy-16x16.webp")));
        assertThat(decoded.width()).isEqualTo(16);
        assertThat(decoded.height()).isEqualTo(16);
        for (int y = 0; y < 16; y += 5) {
            int[] p = pixel(decoded, y, y);
            assertThat(p[0]).isBetween(200 - 8, 200 + 8);
            assertThat(p[1]).isBetween(40 - 8, 40 + 8);
            assertThat(p[2]).isBetween(30 - 8, 30 + 8);
        }
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeaderBeforeAnyPixelIsDecoded() throws Exception {
        byte[] png = withDimensions(encode(solid(1, 1, 0xFFFFFF, BufferedImage.TYPE_INT_RGB), "png"), 50_000, 50_000);
        assertThatThrownBy(() -> LOCAL.load(dataUrl("image/png", png)))
                .isInstanceOfSatisfying(ImageLoadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE))
                .hasMessageContaining("50000 × 50000 = 2500000000 pixels; the limit is 33554432 pixels");
    }

    @Test
    void anImageOverTenMegabytesIsRefusedBeforeItsBase64IsDecoded() {
        char[] base64 = new char[(int) (UrlImageLoader.MAX_ENCODED_BYTES / 3 * 4 + 8)];
        Arrays.fill(base64, 'A');
        String url = "data:image/png;base64," + new String(base64);
        assertThatThrownBy(() -> LOCAL.load(url))
                .isInstanceOfSatisfying(ImageLoadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE))
                .hasMessageContaining("the limit for one image is 10485760 bytes");
    }

    @Test
    void eachKindOfBadReferenceHasItsOwnReason() {
        byte[] text = "hello, not an image".getBytes(StandardCharsets.UTF_8);
        assertReason(dataUrl("image/png", text), Reason.NOT_AN_IMAGE, "not an image");
        assertReason(dataUrl("text/plain", text), Reason.NOT_AN_IMAGE, "'text/plain', not an image");
        assertReason(dataUrl("image/bmp", encode(solid(2, 2, 0xFF0000, BufferedImage.TYPE_INT_RGB), "bmp")),
                Reason.UNSUPPORTED_FORMAT, "a BMP, which is not supported");
        assertReason(dataUrl("image/svg+xml", "<svg xmlns='http://www.w3.org/2000/svg'/>".getBytes(StandardCharsets.UTF_8)),
                Reason.UNSUPPORTED_FORMAT, "an SVG");
        byte[] png = encode(solid(8, 8, 0x123456, BufferedImage.TYPE_INT_RGB), "png");
        assertReason(dataUrl("image/png", Arrays.copyOf(png, png.length / 2)), Reason.NOT_AN_IMAGE,
                "start like a PNG image but could not be decoded");
        assertReason("data:image/png;base64,@@@@", Reason.INVALID_URL, "not valid base64");
        assertReason("data:image/png,rawbytes", Reason.INVALID_URL, "not base64");
        assertReason("ftp://example.com/a.png", Reason.INVALID_URL, "neither an http(s) URL nor a base64 data: URL");
        assertReason("http:///nohost.png", Reason.INVALID_URL, "has no host");
        assertReason("http://exa mple.com/a.png", Reason.INVALID_URL, "not a valid URL");
    }

    @Test
    void anHttpImageIsFetchedAndDecoded() throws Exception {
        byte[] png = encode(solid(5, 3, 0x336699, BufferedImage.TYPE_INT_RGB), "png");
        served.put("/cat.png", png);
        DecodedImage decoded = LOCAL.load(url("/cat.png"));
        assertThat(decoded.width()).isEqualTo(5);
        assertThat(pixel(decoded, 4, 2)).containsExactly(0x33, 0x66, 0x99);
        assertThat(decoded.sha256()).isEqualTo(UrlImageLoader.sha256(png));
    }

    @Test
    void httpFailuresAreUnreachableOversizedOrNotImages() {
        assertReason(url("/missing.png"), Reason.UNREACHABLE, "answered HTTP 404");
        served.put("/page.html", "<html>hi</html>".getBytes(StandardCharsets.UTF_8));
        assertReason(url("/page.html"), Reason.NOT_AN_IMAGE, "not an image");
        served.put("/big.png", new byte[2000]);
        UrlImageLoader small = new UrlImageLoader(new SafeHttpFetcher(true, Duration.ofSeconds(2)),
                Duration.ofSeconds(5), 1000, UrlImageLoader.MAX_PIXELS, "");
        assertThatThrownBy(() -> small.load(url("/big.png")))
                .isInstanceOfSatisfying(ImageLoadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE))
                .hasMessageContaining("larger than 1000 bytes");
    }

    @Test
    void theProductionPolicyRefusesLoopbackAndSaysHowTheOperatorCanAllowIt() {
        served.put("/cat.png", encode(solid(1, 1, 0, BufferedImage.TYPE_INT_RGB), "png"));
        assertThatThrownBy(() -> UrlImageLoader.withDefaults(false).load(url("/cat.png")))
                .isInstanceOfSatisfying(ImageLoadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE))
                .hasMessageContaining("private or loopback address (127.0.0.1, loopback")
                .hasMessageContaining("--import-allow-private");
        assertThat(requests).hasValue(0);
    }

    @Test
    void aJobFetchesEachHttpImageOnceAndRemembersFailures(@TempDir Path work) throws Exception {
        served.put("/a.png", encode(solid(2, 2, 0xFF0000, BufferedImage.TYPE_INT_RGB), "png"));
        served.put("/b.png", encode(solid(2, 2, 0x00FF00, BufferedImage.TYPE_INT_RGB), "png"));
        Path dir = work.resolve("images");
        // Room in memory for one 2 × 2 image only: the second load of a.png decodes again from disk, not the network.
        try (JobImageCache cache = new JobImageCache(LOCAL, dir, 1 << 20, 12)) {
            for (int epoch = 0; epoch < 3; epoch++) {
                assertThat(pixel(cache.load(url("/a.png")), 0, 0)).containsExactly(255, 0, 0);
                assertThat(pixel(cache.load(url("/b.png")), 1, 1)).containsExactly(0, 255, 0);
                assertThatThrownBy(() -> cache.load(url("/missing.png")))
                        .isInstanceOfSatisfying(ImageLoadException.class,
                                e -> assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE));
            }
            assertThat(requests).hasValue(3);
            assertThat(cache.fetches()).isEqualTo(3);
            try (var files = Files.list(dir)) {
                assertThat(files.count()).isEqualTo(2);
            }
            String data = dataUrl("image/png", encode(solid(1, 1, 0x0000FF, BufferedImage.TYPE_INT_RGB), "png"));
            assertThat(pixel(cache.load(data), 0, 0)).containsExactly(0, 0, 255);
            assertThat(cache.fetches()).isEqualTo(3);
        }
        assertThat(dir).doesNotExist();
    }

    @Test
    void aPausedJobKeepsItsImagesAndItsResumeDoesNotFetchThemAgain(@TempDir Path work) throws Exception {
        served.put("/a.png", encode(solid(2, 2, 0xFF0000, BufferedImage.TYPE_INT_RGB), "png"));
        Path dir = work.resolve(JobImageCache.FOLDER);
        try (JobImageCache paused = new JobImageCache(LOCAL, dir)) {
            paused.load(url("/a.png"));
            paused.keepOnClose();
        }
        Files.writeString(dir.resolve("cut-short.part"), "x"); // a fetch interrupted by a crash
        try (JobImageCache resumed = new JobImageCache(LOCAL, dir)) {
            assertThat(pixel(resumed.load(url("/a.png")), 1, 1)).containsExactly(255, 0, 0);
            assertThat(resumed.fetches()).isZero();
            assertThat(dir.resolve("cut-short.part")).doesNotExist();
        }
        assertThat(requests).hasValue(1);
        assertThat(dir).doesNotExist();
    }

    @Test
    void aJobWhoseFetchedImagesPassTheDiskBoundFailsThemInsteadOfFetchingAgain(@TempDir Path work) throws Exception {
        byte[] png = encode(solid(2, 2, 0xFF0000, BufferedImage.TYPE_INT_RGB), "png");
        served.put("/a.png", png);
        served.put("/b.png", encode(solid(2, 2, 0x00FF00, BufferedImage.TYPE_INT_RGB), "png"));
        try (JobImageCache cache = new JobImageCache(LOCAL, work.resolve("images"), png.length, 1 << 20)) {
            cache.load(url("/a.png"));
            assertThatThrownBy(() -> cache.load(url("/b.png")))
                    .isInstanceOfSatisfying(ImageLoadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE))
                    .hasMessageContaining("the bound of its image cache");
        }
    }

    private static void assertReason(String url, Reason reason, String message) {
        assertThatThrownBy(() -> LOCAL.load(url))
                .isInstanceOfSatisfying(ImageLoadException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(message);
    }

    /** A PNG whose IHDR claims other dimensions (CRC fixed), its pixel data left as it was. */
    private static byte[] withDimensions(byte[] png, int width, int height) {
        byte[] out = png.clone();
        ByteBuffer b = ByteBuffer.wrap(out);
        b.putInt(16, width).putInt(20, height); // signature (8), length (4), "IHDR" (4), then width, height
        CRC32 crc = new CRC32();
        crc.update(out, 12, 17);               // chunk type and its 13 data bytes
        b.putInt(29, (int) crc.getValue());
        return out;
    }
}
