package dev.whetstone.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Ways to break one valid example line; each always yields an invalid, non-blank line without a newline. */
enum Corruption {
    TRUNCATE, INVALID_UTF8, GARBAGE, UNKNOWN_KEY, WRONG_ROLE, NO_ASSISTANT, WEIGHT_ON_USER, WEIGHT_TWO, EMPTY_COMPLETION;

    /** Byte sequences that are invalid UTF-8 wherever they are put at a character boundary. */
    private static final List<byte[]> INVALID_UTF8_SEQUENCES = List.of(
            bytes(0xFF), bytes(0xFE), bytes(0xC0, 0x80), bytes(0x80), bytes(0xBF), bytes(0xE2, 0x82),
            bytes(0xED, 0xA0, 0x80), bytes(0xF4, 0x90, 0x80, 0x80), bytes(0xF0, 0x9F, 0x98), bytes(0xC3));
    private static final List<String> WRONG_ROLES = List.of("bot", "tool", "function", "developer", "User", "", "assistant ");

    boolean appliesTo(ExampleFormat format) {
        return switch (this) {
            case TRUNCATE, INVALID_UTF8, GARBAGE, UNKNOWN_KEY -> true;
            case WRONG_ROLE, NO_ASSISTANT, WEIGHT_ON_USER, WEIGHT_TWO -> format == ExampleFormat.CHAT;
            case EMPTY_COMPLETION -> format == ExampleFormat.PROMPT_COMPLETION;
        };
    }

    byte[] apply(GeneratedFiles.Example example, Random random) {
        ObjectNode json = example.json().deepCopy();
        return switch (this) {
            case TRUNCATE -> truncate(example.bytes(), random);
            case INVALID_UTF8 -> insertInvalidUtf8(example.bytes(), random);
            case GARBAGE -> garbage(random);
            case UNKNOWN_KEY -> GeneratedFiles.write(json.put(unknownKey(random), 1));
            case WRONG_ROLE -> GeneratedFiles.write(setRole(json, random));
            case NO_ASSISTANT -> GeneratedFiles.write(removeAssistants(json));
            case WEIGHT_ON_USER -> GeneratedFiles.write(weigh(json, random, false, 1 - random.nextInt(2)));
            case WEIGHT_TWO -> GeneratedFiles.write(weigh(json, random, true, 2));
            case EMPTY_COMPLETION -> GeneratedFiles.write(json.put("completion", random.nextBoolean() ? "" : " \n\t"));
        };
    }

    /** A proper prefix of a JSON object is never a JSON object: its closing brace is the last byte. */
    private static byte[] truncate(byte[] line, Random random) {
        return Arrays.copyOf(line, 1 + random.nextInt(line.length - 1));
    }

    private static byte[] insertInvalidUtf8(byte[] line, Random random) {
        List<Integer> boundaries = new ArrayList<>();
        for (int i = 0; i <= line.length; i++) {
            if (i == line.length || (line[i] & 0xC0) != 0x80) boundaries.add(i);
        }
        int at = boundaries.get(random.nextInt(boundaries.size()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(line, 0, at);
        out.writeBytes(INVALID_UTF8_SEQUENCES.get(random.nextInt(INVALID_UTF8_SEQUENCES.size())));
        out.write(line, at, line.length - at);
        return out.toByteArray();
    }

    /** Random bytes after a '#', so the line is never blank and never starts like a byte-order mark. */
    private static byte[] garbage(Random random) {
        byte[] noise = new byte[1 + random.nextInt(200)];
        random.nextBytes(noise);
        noise[0] = '#';
        for (int i = 1; i < noise.length; i++) {
            if (noise[i] == '\n') noise[i] = '?';
        }
        return noise;
    }

    private static String unknownKey(Random random) {
        List<String> keys = List.of("tools", "metadata", "id", "Messages", "prompt_", "completions", "x".repeat(1 + random.nextInt(60)));
        return keys.get(random.nextInt(keys.size()));
    }

    private static ObjectNode setRole(ObjectNode json, Random random) {
        JsonNode messages = json.get("messages");
        String role = random.nextInt(4) == 0 ? "r" + random.nextInt(1000) : WRONG_ROLES.get(random.nextInt(WRONG_ROLES.size()));
        ((ObjectNode) messages.get(random.nextInt(messages.size()))).put("role", role);
        return json;
    }

    private static ObjectNode removeAssistants(ObjectNode json) {
        ArrayNode messages = (ArrayNode) json.get("messages");
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("assistant".equals(messages.get(i).get("role").textValue())) messages.remove(i);
        }
        // Without a trailing non-user turn the line would be a valid reinforcement prompt (messages ending with the
        // user's turn); a closing system message keeps it a chat line with no reply.
        messages.addObject().put("role", "system").put("content", "end");
        return json;
    }

    private static ObjectNode weigh(ObjectNode json, Random random, boolean assistant, int weight) {
        List<ObjectNode> candidates = new ArrayList<>();
        for (JsonNode m : json.get("messages")) {
            if ("assistant".equals(m.get("role").textValue()) == assistant) candidates.add((ObjectNode) m);
        }
        candidates.get(random.nextInt(candidates.size())).put("weight", weight);
        return json;
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) out[i] = (byte) values[i];
        return out;
    }

    static Set<Corruption> forFormat(ExampleFormat format) {
        Set<Corruption> all = EnumSet.noneOf(Corruption.class);
        for (Corruption c : values()) {
            if (c.appliesTo(format)) all.add(c);
        }
        return all;
    }
}
