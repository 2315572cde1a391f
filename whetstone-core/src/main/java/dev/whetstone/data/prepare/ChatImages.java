package dev.whetstone.data.prepare;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whetstone.data.ExampleFormat;
import java.util.List;

/**
 * Image parts in chat messages: counted and reported, since only a vision model trains on them and each image
 * costs many tokens that the text estimate does not show. Malformed image parts are the parser's errors.
 */
final class ChatImages implements Analysis {
    @Override
    public List<Finding> analyse(Dataset data, PrepareContext context) {
        if (data.format() != ExampleFormat.CHAT) return List.of();
        Rows rows = new Rows();
        long images = 0;
        for (Draft draft : data.drafts()) {
            long here = 0;
            for (JsonNode message : draft.json().path("messages")) {
                for (JsonNode part : message.path("content")) {
                    if (part.path("type").asText().equals("image_url")) here++;
                }
            }
            if (here > 0) rows.add(draft, Rows.plural(here, "image"));
            images += here;
        }
        if (rows.isEmpty()) return List.of();
        return List.of(rows.finding("chat-images", Severity.WARNING, Rows.subject(rows.size(), data.unit(), "holds", "hold") + " "
                + Rows.plural(images, "image") + "; only a vision model trains on images, and their tokens are not"
                + " in the counts below.", null));
    }
}
