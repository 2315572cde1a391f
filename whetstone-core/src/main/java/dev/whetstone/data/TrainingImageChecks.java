package dev.whetstone.data;

import dev.whetstone.data.image.ImageLoadException;
import dev.whetstone.data.image.ImageLoader;
import dev.whetstone.data.image.UrlImageLoader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The images of a training file, checked while it is validated: every image part goes through the service's
 * {@link ImageLoader} (fetched under the outbound rules and decoded), so a bad image is reported with its line,
 * message and part, and why, instead of failing the job later. Counts the image parts and the first line with one
 * for the file's statistics (job creation refuses images for a model that cannot see them).
 *
 * <p>Bounds (docs/vision.md): at most {@link #MAX_IMAGES_PER_EXAMPLE} images in one example; at most
 * {@link #MAX_FETCHED_URLS} distinct http(s) URLs fetched, and at most {@link #FETCH_BUDGET} spent fetching, per
 * file — past either bound the remaining http(s) images are reported as errors rather than left unchecked. Each
 * distinct URL (keyed by its hash) is loaded once per validation. Without a loader, only the counts are kept.
 */
final class TrainingImageChecks {
    /** Images one example may carry (OpenAI's limit for vision fine-tuning data). */
    static final int MAX_IMAGES_PER_EXAMPLE = 10;
    /** Distinct http(s) image URLs one file's validation fetches. */
    static final int MAX_FETCHED_URLS = 1000;
    /** Time one file's validation may spend fetching http(s) images. */
    static final Duration FETCH_BUDGET = Duration.ofMinutes(10);
    /** URLs whose outcome is remembered (a repeated image is loaded once); past it, repeats are loaded again. */
    private static final int MAX_REMEMBERED = 50_000;

    private final ImageLoader loader;
    private final int maxFetchedUrls;
    private final long fetchBudgetNanos;
    private final Map<String, Optional<ImageLoadException>> outcomes = new HashMap<>();
    private int fetchedUrls;
    private long fetchNanos;
    private long imageParts;
    private Long firstImageLine;

    /** @param loader null to count images without loading them (prepare-data's offline check) */
    TrainingImageChecks(ImageLoader loader) {
        this(loader, MAX_FETCHED_URLS, FETCH_BUDGET);
    }

    TrainingImageChecks(ImageLoader loader, int maxFetchedUrls, Duration fetchBudget) {
        this.loader = loader;
        this.maxFetchedUrls = maxFetchedUrls;
        this.fetchBudgetNanos = fetchBudget.toNanos();
    }

    /** The image problems of the example on {@code line}; empty when it has none. */
    List<LineError> check(long line, TrainingExample example) {
        List<Located> images = images(example);
        if (images.isEmpty()) return List.of();
        if (images.size() > MAX_IMAGES_PER_EXAMPLE) {
            return List.of(new LineError(line, images.get(MAX_IMAGES_PER_EXAMPLE).path, "this example has "
                    + images.size() + " images; at most " + MAX_IMAGES_PER_EXAMPLE + " are allowed in one example"));
        }
        List<LineError> errors = new ArrayList<>();
        if (loader != null) {
            for (Located image : images) {
                String problem = problem(image.part.url());
                if (problem != null) errors.add(new LineError(line, image.path + ".image_url.url", problem));
            }
        }
        return errors;
    }

    /** Counts a valid example's images (called only for examples without errors). */
    void count(long line, TrainingExample example) {
        int n = images(example).size();
        if (n == 0) return;
        imageParts += n;
        if (firstImageLine == null) firstImageLine = line;
    }

    long imageParts() { return imageParts; }

    Long firstImageLine() { return firstImageLine; }

    private String problem(String url) {
        String key = UrlImageLoader.sha256(url.getBytes(StandardCharsets.UTF_8));
        Optional<ImageLoadException> known = outcomes.get(key);
        if (known != null) return known.map(TrainingImageChecks::describe).orElse(null);
        boolean http = !url.regionMatches(true, 0, "data:", 0, 5);
        if (http && fetchedUrls >= maxFetchedUrls) {
            return "not checked: this file's images already needed " + maxFetchedUrls + " http(s) fetches, the most one"
                    + " validation makes; put the images in the file as data: URLs, or split the file";
        }
        if (http && fetchNanos >= fetchBudgetNanos) {
            return "not checked: fetching this file's http(s) images already took the " + FETCH_BUDGET.toMinutes()
                    + " minutes one validation may spend; put the images in the file as data: URLs, or host them nearer";
        }
        long start = System.nanoTime();
        Optional<ImageLoadException> outcome;
        try {
            loader.load(url);
            outcome = Optional.empty();
        } catch (ImageLoadException e) {
            outcome = Optional.of(e);
        } finally {
            if (http) {
                fetchedUrls++;
                fetchNanos += System.nanoTime() - start;
            }
        }
        if (outcomes.size() < MAX_REMEMBERED) outcomes.put(key, outcome);
        return outcome.map(TrainingImageChecks::describe).orElse(null);
    }

    /** "unreachable image: ...", "image too large: ...": the reason first, then the loader's words. */
    static String describe(ImageLoadException e) {
        String why = switch (e.reason()) {
            case UNREACHABLE -> "unreachable image";
            case TOO_LARGE -> "image too large";
            case NOT_AN_IMAGE -> "not an image";
            case UNSUPPORTED_FORMAT -> "unsupported image format";
            case INVALID_URL -> "invalid image url";
        };
        return why + " (" + e.reason().name().toLowerCase(Locale.ROOT) + "): " + e.getMessage();
    }

    private record Located(ContentPart.Image part, String path) {}

    /** The example's image parts with their JSON paths, e.g. {@code messages[1].content[0]}. */
    private static List<Located> images(TrainingExample example) {
        List<Located> found = new ArrayList<>();
        switch (example) {
            case ChatExample chat -> collect(chat.messages(), "messages", found);
            case PreferenceExample pair -> collect(pair.input(), "input.messages", found);
            default -> { } // prompt/completion lines are text
        }
        return found;
    }

    private static void collect(List<ChatMessage> messages, String prefix, List<Located> found) {
        for (int m = 0; m < messages.size(); m++) {
            List<ContentPart> parts = messages.get(m).content();
            for (int p = 0; p < parts.size(); p++) {
                if (parts.get(p) instanceof ContentPart.Image image) {
                    found.add(new Located(image, prefix + "[" + m + "].content[" + p + "]"));
                }
            }
        }
    }
}
