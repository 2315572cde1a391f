package dev.whetstone.engine.torch.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.util.ArrayList;
import java.util.List;

/** The one output format of every {@code whetstone bench}: one JSON object a line, snake_case field names. */
final class BenchJson {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private BenchJson() {}

    /** {@code header} (the machine's measured bound, or null for none) first, then one line per row. */
    static List<String> lines(Object header, List<?> rows) throws JsonProcessingException {
        List<String> lines = new ArrayList<>();
        if (header != null) lines.add(JSON.writeValueAsString(header));
        for (Object r : rows) lines.add(JSON.writeValueAsString(r));
        return lines;
    }
}
