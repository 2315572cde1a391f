package dev.whetstone.engine.torch.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a {@code tokenizer.json} that the Rust library does not expose through DJL: the vocabulary (for id
 * look-ups and the vocabulary size) and the added tokens with their {@code special} flag. Read with a streaming
 * parser so the merges (hundreds of thousands of strings) are skipped, not materialised.
 */
record TokenizerJson(Map<String, Integer> vocab, List<AddedToken> addedTokens) {

    /** One entry of {@code added_tokens}. */
    record AddedToken(int id, String content, boolean special) {}

    static TokenizerJson read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file);
             JsonParser parser = new JsonFactory().setCodec(new ObjectMapper()).createParser(in)) {
            Map<String, Integer> vocab = new HashMap<>();
            List<AddedToken> added = new ArrayList<>();
            expect(parser.nextToken(), JsonToken.START_OBJECT, file);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "added_tokens" -> readAdded(parser.readValueAsTree(), added);
                    case "model" -> readModel(parser, vocab, file);
                    default -> parser.skipChildren();
                }
            }
            return new TokenizerJson(vocab, List.copyOf(added));
        }
    }

    private static void readAdded(JsonNode array, List<AddedToken> into) {
        for (JsonNode t : array) {
            into.add(new AddedToken(t.path("id").asInt(), t.path("content").asText(), t.path("special").asBoolean()));
        }
    }

    private static void readModel(JsonParser parser, Map<String, Integer> vocab, Path file) throws IOException {
        expect(parser.currentToken(), JsonToken.START_OBJECT, file);
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (!field.equals("vocab")) {
                parser.skipChildren();
            } else if (value == JsonToken.START_OBJECT) {
                // BPE / WordPiece / WordLevel: {"token": id, ...}
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String token = parser.currentName();
                    parser.nextToken();
                    vocab.put(token, parser.getIntValue());
                }
            } else if (value == JsonToken.START_ARRAY) {
                // Unigram: [["piece", score], ...]; the id is the position.
                int id = 0;
                while (parser.nextToken() == JsonToken.START_ARRAY) {
                    parser.nextToken();
                    vocab.put(parser.getText(), id++);
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        parser.skipChildren();
                    }
                }
            }
        }
    }

    private static void expect(JsonToken actual, JsonToken expected, Path file) throws IOException {
        if (actual != expected) {
            throw new IOException(file + ": not a tokenizer.json (expected " + expected + ", found " + actual
                    + "); give the tokenizer.json saved by Hugging Face tokenizers");
        }
    }
}
