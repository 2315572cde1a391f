package dev.whetstone.store.sql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON held in TEXT columns. Record fields are written in snake_case (the API's spelling), so a person
 * reading the database sees {@code n_epochs}, not {@code nEpochs}. Untyped values read back as Jackson's
 * natural types: Integer (Long beyond int range), Double, String, Boolean, Map, List.
 */
final class JsonColumns {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // a newer Whetstone may add fields
            .build();

    private JsonColumns() {}

    /** The JSON text of a value, or null for null. */
    static String write(Object value) {
        if (value == null) return null;
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot store a " + value.getClass().getSimpleName()
                    + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static <T> T read(String json, Class<T> type, String column) {
        if (json == null) return null;
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw unreadable(column, e);
        }
    }

    static <T> T read(String json, TypeReference<T> type, String column) {
        if (json == null) return null;
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw unreadable(column, e);
        }
    }

    private static IllegalStateException unreadable(String column, JsonProcessingException e) {
        return new IllegalStateException("The JSON in column " + column + " cannot be read: " + e.getOriginalMessage()
                + " Was the row written by another program or a newer Whetstone?", e);
    }
}
