package dev.whetstone.data.image;

import dev.whetstone.data.image.ImageLoadException.Reason;
import dev.whetstone.net.FetchException;
import dev.whetstone.net.SafeHttpFetcher;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The production {@link ImageLoader}: base64 {@code data:} URLs and http(s) URLs, the latter through
 * {@link SafeHttpFetcher} (no private, loopback or link-local targets unless the operator allows them; one deadline,
 * no redirects). At most {@link #MAX_ENCODED_BYTES} encoded bytes per image, checked before a data URL is decoded
 * and while an http body streams in; at most {@link #MAX_PIXELS} pixels, checked from the header before the pixels
 * are decoded (a 40 KB PNG can claim 50 000 × 50 000 pixels). {@link ImageDecoder} turns the bytes into RGB8.
 *
 * <p>Stateless and thread-safe; a job wraps it in a {@link JobImageCache} so each image is fetched once.
 */
public final class UrlImageLoader implements ImageLoader {
    /** Azure's limit for one image in a training file or a chat request: 10 MB. */
    public static final long MAX_ENCODED_BYTES = 10L * 1024 * 1024;
    /** 2²⁵ = 33,554,432 pixels (e.g. 8192 × 4096): the decoded RGB is then at most 96 MiB. */
    public static final long MAX_PIXELS = 1L << 25;
    /** One http image's whole fetch: connect, TLS, headers and body. */
    public static final Duration FETCH_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final SafeHttpFetcher fetcher;
    private final Duration fetchTimeout;
    private final ImageDecoder decoder;
    private final long maxEncodedBytes;
    private final String allowHint;

    /**
     * @param fetcher         the outbound client (its address policy decides which hosts may be reached)
     * @param allowHint       appended to a refused private target's message: how the operator can allow such targets
     */
    public UrlImageLoader(SafeHttpFetcher fetcher, Duration fetchTimeout, long maxEncodedBytes, long maxPixels,
                          String allowHint) {
        this.fetcher = fetcher;
        this.fetchTimeout = fetchTimeout;
        this.maxEncodedBytes = maxEncodedBytes;
        this.decoder = new ImageDecoder(maxPixels);
        this.allowHint = allowHint == null ? "" : allowHint;
    }

    /** The service's limits; {@code allowPrivateTargets} is the operator's switch shared with file imports. */
    public static UrlImageLoader withDefaults(boolean allowPrivateTargets) {
        return new UrlImageLoader(new SafeHttpFetcher(allowPrivateTargets, CONNECT_TIMEOUT), FETCH_TIMEOUT,
                MAX_ENCODED_BYTES, MAX_PIXELS, " The operator can allow such targets with --import-allow-private.");
    }

    @Override
    public DecodedImage load(String url) throws ImageLoadException {
        return decode(read(url));
    }

    /** The encoded bytes a URL stands for, fetched or base64-decoded, within the size limit; not yet decoded. */
    public byte[] read(String url) throws ImageLoadException {
        if (url == null || url.isBlank()) throw new ImageLoadException(Reason.INVALID_URL, "The image URL is empty.");
        String head = url.substring(0, Math.min(url.length(), 16)).toLowerCase(Locale.ROOT);
        if (head.startsWith("data:")) return dataUrlBytes(url);
        if (head.startsWith("http://") || head.startsWith("https://")) return fetch(url);
        throw new ImageLoadException(Reason.INVALID_URL, "The image URL '" + clip(url)
                + "' is neither an http(s) URL nor a base64 data: URL.");
    }

    /** Decodes bytes from {@link #read} (or a cache) to RGB8. */
    public DecodedImage decode(byte[] encoded) throws ImageLoadException {
        return decoder.decode(encoded, sha256(encoded));
    }

    private byte[] dataUrlBytes(String url) throws ImageLoadException {
        int comma = url.indexOf(',');
        if (comma < 0) throw new ImageLoadException(Reason.INVALID_URL, "The data: URL has no ',' before its content.");
        String header = url.substring("data:".length(), comma).strip().toLowerCase(Locale.ROOT);
        if (!header.endsWith(";base64")) {
            throw new ImageLoadException(Reason.INVALID_URL, "The data: URL is not base64 ('data:<type>;base64,...').");
        }
        String mediaType = header.substring(0, header.length() - ";base64".length()).strip();
        int parameters = mediaType.indexOf(';');
        if (parameters >= 0) mediaType = mediaType.substring(0, parameters).strip();
        if (!mediaType.isEmpty() && !mediaType.startsWith("image/")) {
            throw new ImageLoadException(Reason.NOT_AN_IMAGE, "The data: URL declares the media type '" + clip(mediaType)
                    + "', not an image.");
        }
        String payload = url.substring(comma + 1);
        // Base64 carries 3 bytes in 4 characters: refuse an oversized image before allocating its bytes.
        long decodedAtLeast = (payload.length() - 4L) / 4 * 3;
        if (decodedAtLeast > maxEncodedBytes) throw tooLarge(decodedAtLeast);
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(withoutWhitespace(payload));
        } catch (IllegalArgumentException e) {
            throw new ImageLoadException(Reason.INVALID_URL, "The data: URL's content is not valid base64 ("
                    + e.getMessage() + ").");
        }
        if (bytes.length > maxEncodedBytes) throw tooLarge(bytes.length);
        if (bytes.length == 0) throw new ImageLoadException(Reason.NOT_AN_IMAGE, "The data: URL holds no bytes.");
        return bytes;
    }

    private byte[] fetch(String url) throws ImageLoadException {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (java.net.URISyntaxException e) {
            throw new ImageLoadException(Reason.INVALID_URL, "The image URL '" + clip(url) + "' is not a valid URL ("
                    + e.getReason() + ").");
        }
        if (uri.getHost() == null) {
            throw new ImageLoadException(Reason.INVALID_URL, "The image URL '" + clip(url) + "' has no host.");
        }
        try (InputStream body = fetcher.fetch(uri, fetchTimeout, maxEncodedBytes)) {
            byte[] bytes = body.readAllBytes();
            if (bytes.length == 0) {
                throw new ImageLoadException(Reason.NOT_AN_IMAGE, "The image URL '" + clip(url) + "' answered no content.");
            }
            return bytes;
        } catch (FetchException.TooLarge e) {
            throw new ImageLoadException(Reason.TOO_LARGE, "The image at '" + clip(url) + "' is larger than "
                    + maxEncodedBytes + " bytes, the limit for one image.");
        } catch (FetchException.Refused e) {
            throw new ImageLoadException(Reason.UNREACHABLE, "The image URL '" + clip(url) + "' was not fetched: "
                    + e.getMessage() + allowHint);
        } catch (IOException e) {
            throw new ImageLoadException(Reason.UNREACHABLE, "The image at '" + clip(url) + "' could not be fetched: "
                    + e.getMessage());
        }
    }

    private ImageLoadException tooLarge(long bytes) {
        return new ImageLoadException(Reason.TOO_LARGE, "The data: URL's image has " + bytes
                + " bytes; the limit for one image is " + maxEncodedBytes + " bytes.");
    }

    private static String withoutWhitespace(String payload) {
        for (int i = 0; i < payload.length(); i++) {
            if (Character.isWhitespace(payload.charAt(i))) return payload.replaceAll("\\s+", "");
        }
        return payload;
    }

    /** Hex SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A URL shortened for a message (data: URLs can be megabytes long). */
    static String clip(String text) {
        String shown = text.length() > 100 ? text.substring(0, 100) + "..." : text;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
