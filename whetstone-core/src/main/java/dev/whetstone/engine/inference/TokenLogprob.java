package dev.whetstone.engine.inference;

/**
 * A token's log-probability as the API reports it.
 *
 * @param token   the token's text (may hold U+FFFD for a partial character; {@code bytes} are exact)
 * @param bytes   the token's UTF-8 bytes
 */
public record TokenLogprob(int id, String token, byte[] bytes, double logprob) {}
