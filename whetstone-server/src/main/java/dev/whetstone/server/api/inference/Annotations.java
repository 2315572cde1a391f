package dev.whetstone.server.api.inference;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.safety.HarmCategory;
import dev.whetstone.safety.Verdict;
import dev.whetstone.server.api.Json;

/**
 * Azure's {@code content_filter_results} for one checked text (docs/reference/API.md 6.1): each graded category
 * as {@code {filtered, severity}}, the applied blocklists as {@code custom_blocklists {filtered, details[]}}, and
 * an {@code error} when a classifier could not answer. Only what was evaluated appears.
 */
final class Annotations {
    private Annotations() {}

    static ObjectNode of(Verdict v) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        for (HarmCategory c : HarmCategory.values()) {
            Verdict.CategoryResult r = v.categories().get(c);
            if (r != null) out.putObject(c.wireName()).put("filtered", r.filtered()).put("severity", r.severity().wireName());
        }
        if (!v.blocklists().isEmpty()) {
            ObjectNode lists = out.putObject("custom_blocklists");
            lists.put("filtered", v.blocklists().stream().anyMatch(Verdict.BlocklistResult::filtered));
            ArrayNode details = lists.putArray("details");
            for (Verdict.BlocklistResult b : v.blocklists()) {
                details.addObject().put("filtered", b.filtered()).put("detected", b.detected()).put("id", b.name());
            }
        }
        if (!v.errors().isEmpty()) {
            out.putObject("error").put("code", "content_filter_error").put("message", String.join("; ", v.errors()));
        }
        return out;
    }
}
