package dev.whetstone.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.safety.HarmCategory;
import dev.whetstone.safety.SafetyCheck;
import dev.whetstone.safety.SafetyEvaluation;

/**
 * Whetstone's extension {@code safety_evaluation} on jobs and fine-tuned models (docs/safety.md): which safety
 * phases ran and how they ended. Azure keeps only "deployable or not" and shows it in its portal; its API has no
 * field for it, so this one is ours and named so that no client mistakes it for Azure's.
 */
final class SafetyJson {
    private SafetyJson() {}

    /** {@code {"data": {...} | null, "model": {...} | null}}; a phase not reached yet is null. */
    static ObjectNode job(SafetyEvaluation e) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        if (e == null || e.data() == null) n.putNull("data"); else n.set("data", check(e.data(), false));
        if (e == null || e.model() == null) n.putNull("model"); else n.set("model", check(e.model(), true));
        return n;
    }

    /**
     * One phase: {@code status} (passed, failed, skipped, error), {@code failed_categories} (the data check's names,
     * {@code self_harm}, or the model evaluation's titles, {@code Self Harm}, as Azure's messages spell them),
     * {@code detail}; for the model also {@code deployable}, {@code probe_set}, {@code max_rate} and
     * {@code flagged_rates} per annotation key.
     */
    static ObjectNode check(SafetyCheck c, boolean model) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("status", c.status().wireName());
        ArrayNode failed = n.putArray("failed_categories");
        c.failed().forEach(cat -> failed.add(model ? cat.title() : cat.dataCheckName()));
        if (model) {
            n.put("deployable", c.deployable());
            n.put("probe_set", c.probeSet());
            if (c.maxRate() == null) n.putNull("max_rate"); else n.put("max_rate", c.maxRate());
            ObjectNode rates = n.putObject("flagged_rates");
            for (HarmCategory cat : HarmCategory.values()) {
                Double r = c.flaggedRates().get(cat);
                if (r != null) rates.put(cat.wireName(), r);
            }
        }
        n.put("detail", c.detail());
        return n;
    }
}
