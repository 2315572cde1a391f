package dev.whetstone.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** A message's {@code content}: a string, or an array of text and image_url parts. */
final class ContentParts {
    private static final List<String> PART_TYPES = List.of("text", "image_url");
    private static final List<String> DETAILS = List.of("auto", "low", "high");

    private ContentParts() {}

    /** Training examples: an assistant message must say something, it is the reply the model learns. */
    static List<ContentPart> parse(JsonNode content, String path, String role) {
        return parse(content, path, role, true);
    }

    /** @param requireAssistantText false for inference requests, where an earlier empty reply is legitimate */
    static List<ContentPart> parse(JsonNode content, String path, String role, boolean requireAssistantText) {
        if (content == null || content.isNull()) throw new InvalidExampleException(path, "content is required");
        List<ContentPart> parts = content.isTextual() ? List.of(new ContentPart.Text(content.textValue())) : array(content, path, role);
        if (requireAssistantText && "assistant".equals(role) && assistantTextIsBlank(parts)) {
            throw new InvalidExampleException(path, "assistant content must not be empty: it is the reply the model learns");
        }
        return parts;
    }

    private static List<ContentPart> array(JsonNode content, String path, String role) {
        if (!content.isArray()) {
            throw new InvalidExampleException(path, "content must be a string or an array of parts, found " + JsonFields.kind(content));
        }
        if (content.isEmpty()) throw new InvalidExampleException(path, "content must hold at least one part");
        List<ContentPart> parts = new ArrayList<>(content.size());
        for (int i = 0; i < content.size(); i++) {
            parts.add(part(content.get(i), path + "[" + i + "]", role));
        }
        return parts;
    }

    private static boolean assistantTextIsBlank(List<ContentPart> parts) {
        return parts.stream().allMatch(p -> p instanceof ContentPart.Text text && text.text().isBlank());
    }

    private static ContentPart part(JsonNode node, String path, String role) {
        if (!node.isObject()) {
            throw new InvalidExampleException(path, "a content part must be an object such as "
                    + "{\"type\": \"text\", \"text\": \"...\"}, found " + JsonFields.kind(node));
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw new InvalidExampleException(path + ".type", "type is required; allowed: " + String.join(", ", PART_TYPES));
        }
        return switch (type.textValue()) {
            case "text" -> text(node, path);
            case "image_url" -> image(node, path, role);
            default -> throw new InvalidExampleException(path + ".type", "unknown content part type '"
                    + JsonFields.clip(type.textValue()) + "'; allowed: " + String.join(", ", PART_TYPES));
        };
    }

    private static ContentPart text(JsonNode node, String path) {
        JsonFields.rejectUnknownKeys(node, path, List.of("type", "text"));
        return new ContentPart.Text(JsonFields.requiredString(node, "text", path + ".text"));
    }

    private static ContentPart image(JsonNode node, String path, String role) {
        if (!"user".equals(role)) {
            throw new InvalidExampleException(path, "images are only allowed in user messages, not in " + role + " messages");
        }
        JsonFields.rejectUnknownKeys(node, path, List.of("type", "image_url"));
        String imagePath = path + ".image_url";
        JsonNode image = node.get("image_url");
        if (image == null || !image.isObject()) {
            throw new InvalidExampleException(imagePath, "image_url must be an object {\"url\": \"...\", \"detail\": \"auto\"}");
        }
        JsonFields.rejectUnknownKeys(image, imagePath, List.of("url", "detail"));
        String url = JsonFields.requiredString(image, "url", imagePath + ".url");
        String problem = ImageUrls.problem(url);
        if (problem != null) throw new InvalidExampleException(imagePath + ".url", problem);
        String detail = JsonFields.optionalString(image, "detail", imagePath + ".detail");
        if (detail != null && !DETAILS.contains(detail)) {
            throw new InvalidExampleException(imagePath + ".detail", "unknown detail '" + JsonFields.clip(detail)
                    + "'; allowed: " + String.join(", ", DETAILS));
        }
        return new ContentPart.Image(url, detail);
    }
}
