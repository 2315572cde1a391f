package dev.whetstone.engine.torch.tokenizer;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Id ↔ token string look-ups over the model vocabulary plus the added tokens. */
final class Vocabulary {
    private final Map<String, Integer> ids;
    private final String[] tokens;
    private final BitSet special = new BitSet();

    private Vocabulary(Map<String, Integer> ids, String[] tokens) {
        this.ids = ids;
        this.tokens = tokens;
    }

    static Vocabulary of(TokenizerJson json) {
        Map<String, Integer> ids = new HashMap<>(json.vocab());
        json.addedTokens().forEach(t -> ids.put(t.content(), t.id()));
        int size = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        String[] tokens = new String[size];
        ids.forEach((token, id) -> tokens[id] = token);
        Vocabulary vocabulary = new Vocabulary(ids, tokens);
        json.addedTokens().stream().filter(TokenizerJson.AddedToken::special)
                .forEach(t -> vocabulary.special.set(t.id()));
        return vocabulary;
    }

    int size() {
        return tokens.length;
    }

    OptionalInt id(String token) {
        Integer id = ids.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    Optional<String> token(int id) {
        return id < 0 || id >= tokens.length ? Optional.empty() : Optional.ofNullable(tokens[id]);
    }

    boolean isSpecial(int id) {
        return id >= 0 && special.get(id);
    }
}
