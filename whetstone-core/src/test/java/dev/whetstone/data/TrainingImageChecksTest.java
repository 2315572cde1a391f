package dev.whetstone.data;

import static dev.whetstone.data.image.TestImages.dataUrl;
import static dev.whetstone.data.image.TestImages.encode;
import static dev.whetstone.data.image.TestImages.solid;
import static org.assertj.core.api.Assertions.assertThat;

import dev.whetstone.data.image.ImageLoader;
import dev.whetstone.data.image.UrlImageLoader;
import dev.whetstone.files.FileStatistics;
import dev.whetstone.net.SafeHttpFetcher;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** An uploaded file's images are loaded during validation and each bad one named by line, message, part and reason. */
class TrainingImageChecksTest {
    static final String RED = dataUrl("image/png", encode(solid(4, 4, 0xFF0000, BufferedImage.TYPE_INT_RGB), "png"));
    static final String TEXT_AS_PNG = dataUrl("image/png", "not pixels".getBytes(StandardCharsets.UTF_8));
    /** BMP bytes under a PNG label (the shape check refuses data:image/bmp before any loading). */
    static final String BMP = dataUrl("image/png", encode(solid(2, 2, 0xFF0000, BufferedImage.TYPE_INT_RGB), "bmp"));

    static String imageLine(String... urls) {
        StringBuilder parts = new StringBuilder("{\"type\":\"text\",\"text\":\"What colour?\"}");
        for (String url : urls) {
            parts.append(",{\"type\":\"image_url\",\"image_url\":{\"url\":\"").append(url).append("\",\"detail\":\"low\"}}");
        }
        return "{\"messages\":[{\"role\":\"system\",\"content\":\"Name colours.\"},{\"role\":\"user\",\"content\":["
                + parts + "]},{\"role\":\"assistant\",\"content\":\"red\"}]}";
    }

    static final String TEXT_LINE = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello\"}]}";

    private static ValidationReport validate(ImageLoader loader, String... lines) throws Exception {
        byte[] content = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        return new TrainingFileValidator(loader).validate(new ByteArrayInputStream(content));
    }

    /** The production loader: loopback and private targets refused. */
    private static final UrlImageLoader LOADER = UrlImageLoader.withDefaults(false);

    @Test
    void validImagesAreCountedWithTheFirstLineThatHasOne() throws Exception {
        ValidationReport report = validate(LOADER, TEXT_LINE, TEXT_LINE, imageLine(RED), imageLine(RED, RED));
        assertThat(report.ok()).as(report.summary()).isTrue();
        FileStatistics stats = report.statistics();
        assertThat(stats.imageParts()).isEqualTo(3);
        assertThat(stats.firstImageLine()).isEqualTo(3);
        assertThat(stats.hasImages()).isTrue();
        assertThat(report.summary()).endsWith(", 3 images.");
    }

    @Test
    void aTextFileHasNoImagesAndNoFirstImageLine() throws Exception {
        FileStatistics stats = validate(LOADER, TEXT_LINE, TEXT_LINE).statistics();
        assertThat(stats.imageParts()).isZero();
        assertThat(stats.firstImageLine()).isNull();
        assertThat(stats.hasImages()).isFalse();
    }

    @Test
    void eachBadImageIsReportedWithLineMessagePartAndReason() throws Exception {
        String refusedHost = "http://127.0.0.1:9/cat.png";
        ValidationReport report = validate(LOADER, imageLine(RED), imageLine(RED, TEXT_AS_PNG), imageLine(BMP),
                imageLine(refusedHost), TEXT_LINE);

        assertThat(report.ok()).isFalse();
        assertThat(report.errors()).extracting(LineError::line, LineError::field).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2L, "messages[1].content[2].image_url.url"),
                org.assertj.core.groups.Tuple.tuple(3L, "messages[1].content[1].image_url.url"),
                org.assertj.core.groups.Tuple.tuple(4L, "messages[1].content[1].image_url.url"));
        assertThat(report.errors().get(0).message()).startsWith("not an image (not_an_image): ");
        assertThat(report.errors().get(1).message()).startsWith("unsupported image format (unsupported_format): ")
                .contains("BMP");
        assertThat(report.errors().get(2).message()).startsWith("unreachable image (unreachable): ")
                .contains("private or loopback");
        assertThat(report.summary()).contains("Line 2, messages[1].content[2].image_url.url: not an image");
        // Only the valid lines count: line 1 (one image) and line 5 (text).
        assertThat(report.statistics().examples()).isEqualTo(2);
        assertThat(report.statistics().imageParts()).isEqualTo(1);
    }

    @Test
    void moreThanTenImagesInOneExampleIsAnErrorAtTheEleventh() throws Exception {
        String[] eleven = new String[11];
        Arrays.fill(eleven, RED);
        ValidationReport report = validate(LOADER, imageLine(eleven));
        assertThat(report.ok()).isFalse();
        assertThat(report.errors()).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(1);
            assertThat(e.field()).isEqualTo("messages[1].content[11]");
            assertThat(e.message()).contains("11 images; at most 10");
        });
    }

    @Test
    void aRepeatedImageIsLoadedOnceAndHttpFetchesStopAtTheFilesBound() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        List<String> seen = new ArrayList<>();
        ImageLoader counting = url -> {
            loads.incrementAndGet();
            seen.add(url);
            return LOADER.load(RED);
        };
        String a = "http://images.example.test/a.png";
        String b = "http://images.example.test/b.png";
        String c = "http://images.example.test/c.png";
        byte[] content = (String.join("\n", imageLine(a), imageLine(a, b), imageLine(c), imageLine(RED)) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        // Two distinct http URLs may be fetched; the third is an error, not left unchecked.
        TrainingImageChecks checks = new TrainingImageChecks(counting, 2, Duration.ofMinutes(1));
        List<LineError> errors = new ArrayList<>();
        long line = 0;
        for (String l : new String(content, StandardCharsets.UTF_8).split("\n")) {
            line++;
            errors.addAll(checks.check(line, new TrainingExampleParser().parse(l.toCharArray(), 0, l.length())));
        }
        assertThat(seen).containsExactly(a, b, RED);
        assertThat(loads).hasValue(3);
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.message()).contains("not checked").contains("2 http(s) fetches");
        });
    }

    @Test
    void withoutALoaderImagesAreCountedButNotLoaded() throws Exception {
        ValidationReport report = validate(null, imageLine(TEXT_AS_PNG), TEXT_LINE);
        assertThat(report.ok()).isTrue();
        assertThat(report.statistics().imageParts()).isEqualTo(1);
        assertThat(report.statistics().firstImageLine()).isEqualTo(1);
    }

    @Test
    void anHttpImageOfAnAllowedHostIsFetchedDuringValidation() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        byte[] png = encode(solid(3, 3, 0x00FF00, BufferedImage.TYPE_INT_RGB), "png");
        AtomicInteger requests = new AtomicInteger();
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            boolean found = exchange.getRequestURI().getPath().equals("/green.png");
            exchange.sendResponseHeaders(found ? 200 : 404, found ? png.length : -1);
            if (found) exchange.getResponseBody().write(png);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            UrlImageLoader intranet = new UrlImageLoader(new SafeHttpFetcher(true, Duration.ofSeconds(2)),
                    Duration.ofSeconds(5), UrlImageLoader.MAX_ENCODED_BYTES, UrlImageLoader.MAX_PIXELS, "");
            ValidationReport report = validate(intranet, imageLine(base + "/green.png"), imageLine(base + "/green.png"),
                    imageLine(base + "/gone.png"));
            assertThat(report.errors()).singleElement().satisfies(e -> {
                assertThat(e.line()).isEqualTo(3);
                assertThat(e.message()).startsWith("unreachable image (unreachable): ").contains("HTTP 404");
            });
            assertThat(report.statistics().imageParts()).isEqualTo(2);
            assertThat(requests).hasValue(2); // green.png once for both lines, gone.png once
        } finally {
            server.stop(0);
        }
    }
}
