package dev.whetstone.files;

/**
 * What the validator learned about a training file.
 *
 * @param format          "chat", "prompt_completion" or "preference" (null when the file could not be classified)
 * @param examples        number of valid examples (lines)
 * @param estimatedTokens rough token count (about 4 characters a token), for quota and time estimates
 */
public record FileStatistics(String format, long examples, long estimatedTokens) {}
