package dev.whetstone.data;

import dev.whetstone.data.image.DecodedImage;
import dev.whetstone.data.image.ImageDetail;
import dev.whetstone.data.image.ImageInput;
import dev.whetstone.data.image.ImageLoadException;
import dev.whetstone.data.image.ImageLoader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The images of a chat request, loaded for a vision model in the order their parts appear: the same loader, fetch
 * rules and limits as training data, and at most {@link #MAX_IMAGES_PER_REQUEST} images. A URL repeated in one
 * request is loaded once.
 */
public final class RequestImages {
    /** Images one chat request may carry, as one training example may (docs/vision.md). */
    public static final int MAX_IMAGES_PER_REQUEST = TrainingImageChecks.MAX_IMAGES_PER_EXAMPLE;

    private RequestImages() {}

    /** An image part that could not be used; {@code field} is its JSON path, e.g. {@code messages[1].content[0]}. */
    public static final class BadImage extends Exception {
        private final String field;

        BadImage(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() { return field; }
    }

    /** Whether any message has an image part. */
    public static boolean any(List<ChatMessage> messages) {
        return messages.stream().anyMatch(ChatMessage::hasImages);
    }

    /** The JSON path of the first image part, e.g. {@code messages[1].content[0]}; null when there is none. */
    public static String firstImagePath(List<ChatMessage> messages) {
        for (int i = 0; i < messages.size(); i++) {
            List<ContentPart> parts = messages.get(i).content();
            for (int j = 0; j < parts.size(); j++) {
                if (parts.get(j) instanceof ContentPart.Image) return "messages[" + i + "].content[" + j + "]";
            }
        }
        return null;
    }

    /**
     * Loads every image part through {@code loader}.
     *
     * @throws BadImage for the first part that cannot be loaded (its field and the reason), or for more than
     *                  {@link #MAX_IMAGES_PER_REQUEST} images (the first one over)
     */
    public static List<ImageInput> load(List<ChatMessage> messages, ImageLoader loader) throws BadImage {
        List<ImageInput> images = new ArrayList<>();
        Map<String, DecodedImage> loaded = new HashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            List<ContentPart> parts = messages.get(i).content();
            for (int j = 0; j < parts.size(); j++) {
                if (!(parts.get(j) instanceof ContentPart.Image image)) continue;
                String path = "messages[" + i + "].content[" + j + "]";
                if (images.size() == MAX_IMAGES_PER_REQUEST) {
                    throw new BadImage(path, path + ": the request has more than " + MAX_IMAGES_PER_REQUEST
                            + " images; at most " + MAX_IMAGES_PER_REQUEST + " are allowed in one request.");
                }
                DecodedImage decoded = loaded.get(image.url());
                if (decoded == null) {
                    try {
                        decoded = loader.load(image.url());
                    } catch (ImageLoadException e) {
                        throw new BadImage(path + ".image_url.url", path + ".image_url.url: "
                                + TrainingImageChecks.describe(e));
                    }
                    loaded.put(image.url(), decoded);
                }
                images.add(new ImageInput(decoded, ImageDetail.of(image.detail())));
            }
        }
        return images;
    }
}
