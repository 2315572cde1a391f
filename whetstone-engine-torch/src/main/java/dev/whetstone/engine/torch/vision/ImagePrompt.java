package dev.whetstone.engine.torch.vision;

/**
 * The text an {@code <image>} placeholder expands to (Idefics3Processor's get_image_prompt_string): per tile
 * {@code <fake_token_around_image><row_r_col_c>} and image_seq_len {@code <image>} tokens, a newline after each
 * tile row, then a newline and the global view {@code <fake_token_around_image><global-img>} + image tokens +
 * {@code <fake_token_around_image>}; an image that was not split is the global view alone.
 */
public final class ImagePrompt {
    public static final String IMAGE = "<image>";
    public static final String FAKE_AROUND = "<fake_token_around_image>";
    public static final String GLOBAL = "<global-img>";

    private ImagePrompt() {}

    public static String of(int rows, int cols, int imageSeqLen) {
        String tokens = IMAGE.repeat(imageSeqLen);
        if (rows == 0 && cols == 0) return FAKE_AROUND + GLOBAL + tokens + FAKE_AROUND;
        StringBuilder s = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                s.append(FAKE_AROUND).append("<row_").append(r + 1).append("_col_").append(c + 1).append('>')
                        .append(tokens);
            }
            s.append('\n');
        }
        return s.append('\n').append(FAKE_AROUND).append(GLOBAL).append(tokens).append(FAKE_AROUND).toString();
    }

    /**
     * Replaces the i-th {@code <image>} placeholder of a rendered prompt by the expansion of the i-th image, as
     * Idefics3Processor splits the text at the image token.
     *
     * @throws IllegalArgumentException when the text has a different number of placeholders than images
     */
    public static String expand(String text, java.util.List<ImageProcessor.Frames> images, int imageSeqLen) {
        String[] parts = text.split(java.util.regex.Pattern.quote(IMAGE), -1);
        if (parts.length - 1 != images.size()) {
            throw new IllegalArgumentException("the prompt has " + (parts.length - 1) + " " + IMAGE
                    + " placeholders but " + images.size() + " images");
        }
        StringBuilder s = new StringBuilder(parts[0]);
        for (int i = 0; i < images.size(); i++) {
            s.append(of(images.get(i).rows(), images.get(i).cols(), imageSeqLen)).append(parts[i + 1]);
        }
        return s.toString();
    }
}
