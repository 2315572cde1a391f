package dev.whetstone.jobs;

import java.util.Map;

/**
 * A job event (docs/reference/API.md 3.10). {@code seq} orders a job's events (newest first = highest seq first).
 *
 * @param level "info", "warning" or "error" (Azure spelling; OpenAI's "warn" is rendered at the edge)
 * @param type  "message" or "metrics"
 * @param data  metrics for metrics events, else null
 */
public record JobEvent(String id, String jobId, long createdAt, long seq, String level, String type, String message,
                       Map<String, Object> data) {}
