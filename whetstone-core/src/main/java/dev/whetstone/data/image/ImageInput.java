package dev.whetstone.data.image;

/**
 * One image of a prompt, decoded, with the detail its content part asked for: what the engine's vision processor
 * receives, in the order the image parts appear in the messages.
 */
public record ImageInput(DecodedImage image, ImageDetail detail) {}
