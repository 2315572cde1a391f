package dev.whetstone.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;

/** The one ObjectMapper of the HTTP layer, and strict parsing of request bodies into JSON objects. */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.ALWAYS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Json() {}

    /** Parses a request body that must be one JSON object; an empty body is an empty object. */
    public static ObjectNode object(InputStream body) {
        try {
            byte[] bytes = body.readNBytes(1 << 20);
            if (bytes.length == 1 << 20 && body.read() != -1) {
                throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "The JSON body is larger than 1 MB.");
            }
            if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) return MAPPER.createObjectNode();
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw ApiException.invalid(null, "The request body must be a JSON object.");
            }
            return (ObjectNode) node;
        } catch (StreamConstraintsException e) {
            throw ApiException.invalid(null, "The request body exceeds a JSON parser limit: " + limit(e) + ".");
        } catch (JsonProcessingException e) {
            throw ApiException.invalid(null, "The request body is not valid JSON: " + e.getOriginalMessage() + at(e) + ".");
        } catch (IOException e) {
            throw ApiException.invalid(null, "The request body could not be read: " + e.getMessage());
        }
    }

    /** Where the parser stopped; Jackson gives no location for some failures (a parser limit, for one). */
    static String at(JsonProcessingException e) {
        JsonLocation where = e.getLocation();
        return where == null || where.getLineNr() < 1 ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
    }

    /** Jackson's text of a breached limit, without its pointer to the setting that is ours and not the client's. */
    private static String limit(StreamConstraintsException e) {
        return String.valueOf(e.getOriginalMessage()).replaceAll(",? from `StreamReadConstraints\\.[A-Za-z]+\\(\\)`", "");
    }

    /** A string field that must be present and non-blank. */
    public static String requiredText(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) throw ApiException.invalid(field, "The '" + field + "' field is required.");
        if (!v.isTextual() || v.asText().isBlank()) {
            throw ApiException.invalid(field, "The '" + field + "' field must be a non-empty string.");
        }
        return v.asText();
    }
}
