package dev.whetstone.server.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code GET /readyz} checks, in order (docs/operations.md, "Health"): each named check either passes or says
 * why not. The process is ready when every check passes.
 */
public final class Readiness {
    /** One check: returns normally when fine, throws with the reason otherwise. */
    @FunctionalInterface
    public interface Check {
        void run() throws Exception;
    }

    /** The outcome: ready, and each check's state ({@code up} / {@code down} with the error). */
    public record Report(boolean ready, Map<String, Map<String, String>> checks) {
        public List<String> failing() {
            List<String> out = new ArrayList<>();
            checks.forEach((name, c) -> {
                if (!"up".equals(c.get("status"))) out.add(name + ": " + c.get("error"));
            });
            return out;
        }
    }

    private final Map<String, Check> checks = new LinkedHashMap<>();

    public Readiness add(String name, Check check) {
        checks.put(name, check);
        return this;
    }

    public Report check() {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        boolean ready = true;
        for (Map.Entry<String, Check> e : checks.entrySet()) {
            try {
                e.getValue().run();
                out.put(e.getKey(), Map.of("status", "up"));
            } catch (Exception failure) {
                ready = false;
                String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
                out.put(e.getKey(), Map.of("status", "down", "error", message));
            }
        }
        return new Report(ready, out);
    }
}
