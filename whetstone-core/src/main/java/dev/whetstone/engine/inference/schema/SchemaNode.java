package dev.whetstone.engine.inference.schema;

import java.util.List;

/**
 * One node of a compiled JSON schema (the subset {@link JsonSchemaCompiler} accepts). Nodes are plain final classes,
 * not records, on purpose: they compare by identity, so decoding states that point at them compare and hash in
 * constant time however large the schema (and a recursive schema has no finite structural equality anyway).
 */
public sealed interface SchemaNode {
    /** An object with exactly these properties, in this order (OpenAI's strict mode: all required, no others). */
    final class ObjectNode implements SchemaNode {
        private final List<String> names;
        private final List<SchemaNode> values;
        private final List<byte[]> keys;

        ObjectNode(List<String> names, List<SchemaNode> values, List<byte[]> keys) {
            this.names = List.copyOf(names);
            this.values = List.copyOf(values);
            this.keys = List.copyOf(keys);
        }

        public int size() { return names.size(); }

        public String name(int i) { return names.get(i); }

        public SchemaNode value(int i) { return values.get(i); }

        /** Property {@code i}'s name as the reply writes it: JSON-escaped, in its quotes, UTF-8. */
        public byte[] key(int i) { return keys.get(i); }
    }

    /** An array of {@code items}, between {@code minItems} and {@code maxItems} long. */
    final class ArrayNode implements SchemaNode {
        private final SchemaNode items;
        private final int minItems;
        private final int maxItems;

        ArrayNode(SchemaNode items, int minItems, int maxItems) {
            this.items = items;
            this.minItems = minItems;
            this.maxItems = maxItems;
        }

        public SchemaNode items() { return items; }

        public int minItems() { return minItems; }

        public int maxItems() { return maxItems; }
    }

    /** Any JSON string. */
    final class StringNode implements SchemaNode { }

    /** A JSON number; {@code integer}: digits only, no fraction or exponent. */
    final class NumberNode implements SchemaNode {
        private final boolean integer;

        NumberNode(boolean integer) { this.integer = integer; }

        public boolean integer() { return integer; }
    }

    /** true or false. */
    final class BooleanNode implements SchemaNode { }

    /**
     * One of a fixed set of values ({@code enum}, {@code const}, {@code null}), each written exactly as its compact
     * JSON text (UTF-8): the decoder matches these bytes, so "é" is accepted as itself, not as "\u00e9".
     */
    final class LiteralNode implements SchemaNode {
        private final List<byte[]> texts;

        LiteralNode(List<byte[]> texts) { this.texts = List.copyOf(texts); }

        public int count() { return texts.size(); }

        public byte[] text(int i) { return texts.get(i); }
    }

    /** Any of the options ({@code anyOf}, or a {@code type} list such as ["string", "null"]). */
    final class AnyOfNode implements SchemaNode {
        private final List<SchemaNode> options;

        AnyOfNode(List<SchemaNode> options) { this.options = List.copyOf(options); }

        public List<SchemaNode> options() { return options; }
    }

    /** A {@code $ref} to a definition, resolved after the whole schema is read (definitions may be recursive). */
    final class RefNode implements SchemaNode {
        private final String ref;
        private SchemaNode target;

        RefNode(String ref) { this.ref = ref; }

        public String ref() { return ref; }

        public SchemaNode target() { return target; }

        void resolve(SchemaNode target) { this.target = target; }
    }
}
