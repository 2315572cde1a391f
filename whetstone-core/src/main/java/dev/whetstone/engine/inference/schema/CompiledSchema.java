package dev.whetstone.engine.inference.schema;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A schema ready for constrained decoding: its root object and, per node, the fewest nested containers ('{' or '[')
 * any instance of it needs. The decoder enters a node only where that many levels are still free under
 * {@link #MAX_DEPTH}, so a recursive schema can always be finished and never traps the model.
 */
public final class CompiledSchema {
    /** The deepest nesting of objects and arrays a constrained reply may have. */
    public static final int MAX_DEPTH = 32;
    static final int UNREACHABLE = Integer.MAX_VALUE / 4;

    private final String name;
    private final SchemaNode.ObjectNode root;
    private final Map<SchemaNode, Integer> minDepth;

    CompiledSchema(String name, SchemaNode.ObjectNode root, List<SchemaNode> nodes) {
        this.name = name;
        this.root = root;
        this.minDepth = minDepths(nodes);
    }

    public String name() { return name; }

    public SchemaNode.ObjectNode root() { return root; }

    /** The fewest nested containers an instance of {@code node} needs; {@code > MAX_DEPTH} when it has no instance. */
    public int minDepth(SchemaNode node) { return minDepth.get(node); }

    /** The same, or null for a node of another schema. */
    public Integer minDepthOrNull(SchemaNode node) { return minDepth.get(node); }

    /** Fixed point from "unreachable": a definition's depth becomes finite once one way out of its recursion is. */
    private static Map<SchemaNode, Integer> minDepths(List<SchemaNode> nodes) {
        Map<SchemaNode, Integer> d = new IdentityHashMap<>();
        for (SchemaNode n : nodes) d.put(n, UNREACHABLE);
        boolean changed = true;
        while (changed) {
            changed = false;
            for (SchemaNode n : nodes) {
                int v = Math.min(UNREACHABLE, switch (n) {
                    case SchemaNode.ObjectNode o -> {
                        int m = 0;
                        for (int i = 0; i < o.size(); i++) m = Math.max(m, d.get(o.value(i)));
                        yield 1 + m;
                    }
                    case SchemaNode.ArrayNode a -> 1 + (a.minItems() > 0 ? d.get(a.items()) : 0);
                    case SchemaNode.AnyOfNode a -> a.options().stream().mapToInt(d::get).min().orElse(UNREACHABLE);
                    case SchemaNode.RefNode r -> d.get(r.target());
                    default -> 0;
                });
                if (v < d.get(n)) {
                    d.put(n, v);
                    changed = true;
                }
            }
        }
        return d;
    }
}
