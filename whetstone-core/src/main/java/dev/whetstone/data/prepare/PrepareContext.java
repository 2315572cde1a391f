package dev.whetstone.data.prepare;

/**
 * What the analyses know beyond the data.
 *
 * @param model  the target model (or {@link ModelTarget#none()})
 * @param epochs the epochs asked for; null for the service's "auto" rule
 */
public record PrepareContext(ModelTarget model, Integer epochs) {}
