package dev.whetstone.data;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/** The image references a training example may carry: an http(s) URL or a base64 data: URL of a common image type. */
final class ImageUrls {
    private static final List<String> DATA_TYPES = List.of("png", "jpeg", "gif", "webp");
    static final String EXPECTED = "expected an http(s) URL or data:image/(png|jpeg|gif|webp);base64,...";

    private ImageUrls() {}

    /** Null when acceptable, otherwise the reason. */
    static String problem(String url) {
        String lower = url.substring(0, Math.min(url.length(), 32)).toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) return webProblem(url);
        if (lower.startsWith("data:")) return dataProblem(url);
        return "unsupported image url '" + JsonFields.clip(url) + "'; " + EXPECTED;
    }

    private static String webProblem(String url) {
        try {
            URI uri = new URI(url);
            return uri.getHost() == null ? "the image url has no host name; " + EXPECTED : null;
        } catch (URISyntaxException e) {
            return "the image url is not a valid URL (" + JsonFields.clip(e.getReason()) + "); " + EXPECTED;
        }
    }

    private static String dataProblem(String url) {
        int comma = url.indexOf(',');
        String header = comma < 0 ? "" : url.substring("data:".length(), comma).toLowerCase(Locale.ROOT);
        boolean knownType = DATA_TYPES.stream().anyMatch(t -> header.equals("image/" + t + ";base64"));
        if (!knownType) return "unsupported data URL; " + EXPECTED;
        return isBase64(url, comma + 1) ? null : "the data URL's image is not valid base64";
    }

    /** Checks the alphabet and that padding only ends the text; decoding a 20 MB image here would waste memory. */
    private static boolean isBase64(String text, int from) {
        int end = text.length();
        int padding = 0;
        while (padding < 2 && end - padding > from && text.charAt(end - padding - 1) == '=') padding++;
        if (end - padding <= from) return false;
        for (int i = from; i < end - padding; i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
            if (!ok) return false;
        }
        return true;
    }
}
