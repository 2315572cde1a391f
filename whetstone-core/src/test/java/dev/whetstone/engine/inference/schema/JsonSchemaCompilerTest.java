package dev.whetstone.engine.inference.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The schema compiler: the subset it accepts, and for everything else the exact path of the refusal. */
class JsonSchemaCompilerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "response_format.json_schema";

    private static CompiledSchema compile(String format) throws Exception {
        return JsonSchemaCompiler.compile(JSON.readTree(format), BASE);
    }

    /** {"name": "x", "strict": true, "schema": {an object with one property p of schema {@code p}}}. */
    private static String withProperty(String p) {
        return "{\"name\":\"x\",\"strict\":true,\"schema\":{\"type\":\"object\",\"properties\":{\"p\":" + p + "},"
                + "\"required\":[\"p\"],\"additionalProperties\":false}}";
    }

    private static void refused(String format, String path, String message) {
        assertThatThrownBy(() -> compile(format)).isInstanceOf(SchemaException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((SchemaException) e).path()).isEqualTo(path));
    }

    @Test
    void theSupportedSubsetCompilesInSchemaOrder() throws Exception {
        CompiledSchema s = compile("""
                {"name": "person_v1-2", "strict": true, "description": "d", "schema": {
                  "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "t",
                  "type": "object", "properties": {
                    "z": {"type": "string", "description": "first, though z"},
                    "a": {"type": ["integer", "null"]},
                    "e": {"type": "string", "enum": ["x", "é"]},
                    "c": {"const": 3},
                    "l": {"type": "array", "items": {"$ref": "#/$defs/item"}, "minItems": 1, "maxItems": 2},
                    "o": {"anyOf": [{"type": "boolean"}, {"$ref": "#"}]}},
                  "required": ["z", "a", "e", "c", "l", "o"], "additionalProperties": false,
                  "$defs": {"item": {"type": "number"}}}}""");
        assertThat(s.name()).isEqualTo("person_v1-2");
        SchemaNode.ObjectNode root = s.root();
        assertThat(root.size()).isEqualTo(6);
        assertThat(root.name(0)).isEqualTo("z");
        assertThat(new String(root.key(0), StandardCharsets.UTF_8)).isEqualTo("\"z\"");
        assertThat(root.value(1)).isInstanceOf(SchemaNode.AnyOfNode.class);
        SchemaNode.LiteralNode e = (SchemaNode.LiteralNode) root.value(2);
        assertThat(new String(e.text(1), StandardCharsets.UTF_8)).isEqualTo("\"é\"");
        SchemaNode.ArrayNode l = (SchemaNode.ArrayNode) root.value(4);
        assertThat(l.minItems()).isEqualTo(1);
        assertThat(l.maxItems()).isEqualTo(2);
        assertThat(((SchemaNode.RefNode) l.items()).target()).isInstanceOf(SchemaNode.NumberNode.class);
        SchemaNode.RefNode self = (SchemaNode.RefNode) ((SchemaNode.AnyOfNode) root.value(5)).options().get(1);
        assertThat(self.target()).isSameAs(root);
        // The root needs itself and the array: two levels; the recursion via "o" has the boolean way out.
        assertThat(s.minDepth(root)).isEqualTo(2);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"type\":\"string\",\"pattern\":\"^a\"}|pattern",
            "{\"type\":\"string\",\"format\":\"email\"}|format",
            "{\"type\":\"string\",\"minLength\":1}|minLength",
            "{\"type\":\"string\",\"maxLength\":9}|maxLength",
            "{\"type\":\"number\",\"minimum\":0}|minimum",
            "{\"type\":\"number\",\"maximum\":0}|maximum",
            "{\"type\":\"number\",\"multipleOf\":2}|multipleOf",
            "{\"type\":\"number\",\"exclusiveMinimum\":0}|exclusiveMinimum",
            "{\"oneOf\":[{\"type\":\"number\"}]}|oneOf",
            "{\"allOf\":[{\"type\":\"number\"}]}|allOf",
            "{\"not\":{\"type\":\"number\"}}|not",
            "{\"type\":\"number\",\"if\":{}}|if",
            "{\"type\":\"object\",\"patternProperties\":{}}|patternProperties",
            "{\"type\":\"array\",\"items\":{\"type\":\"null\"},\"uniqueItems\":true}|uniqueItems",
            "{\"type\":\"array\",\"prefixItems\":[]}|prefixItems",
            "{\"type\":\"array\",\"items\":{\"type\":\"null\"},\"contains\":{}}|contains",
            "{\"type\":\"object\",\"propertyNames\":{}}|propertyNames",
            "{\"type\":\"object\",\"minProperties\":1}|minProperties",
            "{\"type\":\"number\",\"$defs\":{}}|$defs",
    })
    void eachUnsupportedKeywordIsRefusedAtItsPath(String property, String keyword) {
        refused(withProperty(property), BASE + ".schema.properties.p." + keyword, "'" + keyword + "'");
    }

    @Test
    void nestedPathsNameTheKeywordExactly() {
        refused(withProperty("{\"type\":\"array\",\"items\":{\"anyOf\":[{\"type\":\"null\"},{\"type\":\"string\",\"pattern\":\"x\"}]}}"),
                BASE + ".schema.properties.p.items.anyOf[1].pattern", "Unsupported keyword 'pattern'");
        refused("{\"name\":\"x\",\"schema\":{\"type\":\"object\",\"properties\":{\"p\":{\"$ref\":\"#/$defs/d\"}},"
                        + "\"$defs\":{\"d\":{\"type\":\"string\",\"format\":\"date\"}}}}",
                BASE + ".schema.$defs.d.format", "'format'");
    }

    @Test
    void malformedSchemasAreRefusedWithTheirPaths() {
        refused("{\"schema\":{\"type\":\"object\"}}", BASE + ".name", "1 to 64 characters");
        refused("{\"name\":\"has space\",\"schema\":{\"type\":\"object\"}}", BASE + ".name", "a-z, A-Z, 0-9");
        refused("{\"name\":\"" + "n".repeat(65) + "\",\"schema\":{\"type\":\"object\"}}", BASE + ".name", "64");
        refused("{\"name\":\"x\"}", BASE + ".schema", "is required");
        refused("{\"name\":\"x\",\"strict\":\"yes\",\"schema\":{\"type\":\"object\"}}", BASE + ".strict", "boolean");
        refused("{\"name\":\"x\",\"schema\":{\"type\":\"object\"},\"extra\":1}", BASE + ".extra", "Unknown field");
        refused("{\"name\":\"x\",\"schema\":{\"type\":\"array\",\"items\":{\"type\":\"null\"}}}", BASE + ".schema.type",
                "root");
        refused("{\"name\":\"x\",\"schema\":{\"anyOf\":[{\"type\":\"object\"}]}}", BASE + ".schema.type", "root");
        refused(withProperty("{\"type\":\"strin\"}"), BASE + ".schema.properties.p.type", "Unknown type 'strin'");
        refused(withProperty("{\"type\":[\"string\",\"string\"]}"), BASE + ".schema.properties.p.type", "twice");
        refused(withProperty("{\"description\":\"anything\"}"), BASE + ".schema.properties.p", "needs a 'type'");
        refused(withProperty("{\"type\":\"array\"}"), BASE + ".schema.properties.p.items", "without 'items'");
        refused(withProperty("{\"type\":\"array\",\"items\":{\"type\":\"null\"},\"minItems\":3,\"maxItems\":2}"),
                BASE + ".schema.properties.p.minItems", "exceeds maxItems");
        refused(withProperty("{\"type\":\"array\",\"items\":{\"type\":\"null\"},\"maxItems\":-1}"),
                BASE + ".schema.properties.p.maxItems", "non-negative integer");
        refused(withProperty("{\"type\":\"string\",\"items\":{\"type\":\"null\"}}"),
                BASE + ".schema.properties.p.items", "applies to arrays");
        refused(withProperty("{\"type\":\"integer\",\"enum\":[1,2.5]}"), BASE + ".schema.properties.p.enum[1]",
                "not of the schema's type");
        refused(withProperty("{\"enum\":[]}"), BASE + ".schema.properties.p.enum", "non-empty array");
        refused(withProperty("{\"anyOf\":[{\"type\":\"null\"}],\"type\":\"string\"}"), BASE + ".schema.properties.p.type",
                "combines anyOf");
        refused(withProperty("{\"$ref\":\"#/$defs/missing\"}"), BASE + ".schema.properties.p.$ref", "not defined");
        refused(withProperty("{\"$ref\":\"https://example.com/s\"}"), BASE + ".schema.properties.p.$ref", "not defined");
        refused(withProperty("true"), BASE + ".schema.properties.p", "must be a JSON Schema object");
    }

    @Test
    void strictModeRulesOnObjects() throws Exception {
        String optional = "{\"name\":\"x\",\"strict\":%s,\"schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":"
                + "\"string\"},\"b\":{\"type\":\"string\"}},\"required\":[\"a\"]%s}}";
        refused(optional.formatted("true", ",\"additionalProperties\":false"), BASE + ".schema.required", "lacks 'b'");
        refused(optional.formatted("true", "").replace("\"required\":[\"a\"]", "\"required\":[\"a\",\"b\"]"),
                BASE + ".schema.additionalProperties", "must be false");
        // Not strict: optional properties and open objects are fine, the reply simply has every property.
        assertThat(compile(optional.formatted("false", "")).root().size()).isEqualTo(2);
        refused(optional.formatted("false", "").replace("[\"a\"]", "[\"a\",\"c\"]"), BASE + ".schema.required[1]",
                "names no property");
    }

    @Test
    void schemasAreBoundedInSize() throws Exception {
        String many = "{\"name\":\"x\",\"schema\":{\"type\":\"object\",\"properties\":{\"p\":{\"enum\":[1]}"
                + "%s}}}";
        StringBuilder props = new StringBuilder();
        for (int i = 0; i < JsonSchemaCompiler.MAX_NODES - 2; i++) props.append(",\"p").append(i).append("\":{\"type\":\"null\"}");
        // p, the MAX_NODES - 2 others and the root: exactly the bound.
        assertThat(compile(many.formatted(props)).root().size()).isEqualTo(JsonSchemaCompiler.MAX_NODES - 1);
        refused(many.formatted(props + ",\"one_more\":{\"type\":\"null\"}"), BASE + ".schema", "more than 5000 schema nodes");
    }

    @Test
    void recursionWithoutAWayOutIsRefused() {
        refused("{\"name\":\"x\",\"schema\":{\"type\":\"object\",\"properties\":{\"next\":{\"$ref\":\"#\"}}}}",
                BASE + ".schema", "no instance nested at most");
        refused("{\"name\":\"x\",\"schema\":{\"type\":\"object\",\"properties\":{\"p\":{\"$ref\":\"#/$defs/a\"}},"
                        + "\"$defs\":{\"a\":{\"anyOf\":[{\"$ref\":\"#/$defs/a\"},{\"type\":\"null\"}]}}}}",
                BASE + ".schema.$defs.a.anyOf[0].$ref", "refers back to itself");
    }

    @Test
    void depthsCountContainersOnTheShortestWayOut() throws Exception {
        CompiledSchema s = compile("{\"name\":\"x\",\"schema\":{\"type\":\"object\",\"properties\":{"
                + "\"list\":{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}},"
                + "\"deep\":{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"array\",\"items\":{\"type\":\"null\"},\"minItems\":1}}}}}}");
        // root { deep { x [ ] } }: three containers; the recursive list may be empty.
        assertThat(s.minDepth(s.root())).isEqualTo(3);
    }
}
