package dev.whetstone.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.whetstone.error.ApiException;
import dev.whetstone.error.ErrorCode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Request bodies Jackson refuses become a 400 with Jackson's reason, whether or not it says where. */
class JsonTest {
    private static ApiException refuse(String body) {
        ApiException e = catchThrowableOfType(ApiException.class,
                () -> Json.object(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))));
        assertThat(e).as("expected %s to be refused", body.length() > 80 ? body.substring(0, 80) + "…" : body).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
        return e;
    }

    @Test
    void nestingBeyondTheParserLimitIsA400ThoughJacksonGivesNoLocation() {
        String deep = "{\"messages\":" + "[".repeat(1001) + "]".repeat(1001) + "}";
        // The case that used to end in a NullPointerException and a 500: this failure carries no location.
        StreamConstraintsException jackson = catchThrowableOfType(StreamConstraintsException.class,
                () -> Json.MAPPER.readTree(deep));
        assertThat(jackson.getLocation()).isNull();

        assertThat(refuse(deep).getMessage()).isEqualTo("The request body exceeds a JSON parser limit: "
                + "Document nesting depth (1001) exceeds the maximum allowed (1000).");
    }

    @Test
    void aNumberBeyondTheParserLimitIsA400() {
        assertThat(refuse("{\"seed\":1" + "0".repeat(1500) + "}").getMessage()).isEqualTo("The request body exceeds a "
                + "JSON parser limit: Number value length (1501) exceeds the maximum allowed (1000).");
    }

    @Test
    void anyParseFailureWithoutALocationIsReportedWithoutOne() {
        assertThat(Json.at(new JsonParseException(null, "no location"))).isEmpty();
    }

    @Test
    void aSyntaxErrorNamesItsLineAndColumn() {
        assertThat(refuse("{\n  \"model\": }").getMessage()).startsWith("The request body is not valid JSON: Unexpected character")
                .endsWith("(line 2, column 12).");
    }
}
