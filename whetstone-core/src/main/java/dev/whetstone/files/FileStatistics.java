package dev.whetstone.files;

/**
 * What the validator learned about a training file.
 *
 * @param format          "chat", "prompt_completion" or "preference" (null when the file could not be classified)
 * @param examples        number of valid examples (lines)
 * @param estimatedTokens rough token count (about 4 characters a token), for quota and time estimates
 * @param imageParts      image content parts in the valid examples; null for a file validated before images were
 *                        counted (job creation then reads the file to find out)
 * @param firstImageLine  the 1-based line of the first valid example with an image, null when there is none (or
 *                        when {@code imageParts} is null): job creation names it when the model cannot see images
 */
public record FileStatistics(String format, long examples, long estimatedTokens, Long imageParts, Long firstImageLine) {
    /** A file without images. */
    public FileStatistics(String format, long examples, long estimatedTokens) {
        this(format, examples, estimatedTokens, 0L, null);
    }

    /** Whether the counts say the file has image parts; null when they were not counted. */
    public Boolean hasImages() {
        return imageParts == null ? null : imageParts > 0;
    }
}
