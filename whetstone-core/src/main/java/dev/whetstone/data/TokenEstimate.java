package dev.whetstone.data;

/**
 * A rough token count, about four characters a token, for quota and duration estimates before a tokenizer is
 * chosen. Only text counts: a base64 image would otherwise count as millions of tokens.
 */
public final class TokenEstimate {
    private static final int CHARS_PER_TOKEN = 4;

    private TokenEstimate() {}

    public static long of(TrainingExample example) {
        long chars = switch (example) {
            // the declarations are rendered into the prompt (usually a system block), so they count
            case ChatExample chat -> chat.messages().stream().mapToLong(TokenEstimate::chars).sum()
                    + chat.tools().stream().mapToLong(t -> t.json().toString().length()).sum();
            case PromptCompletionExample pair -> (long) pair.prompt().length() + pair.completion().length();
            // both replies are read with the input, so the input counts twice (as training reads it)
            case PreferenceExample pair -> 2 * pair.input().stream().mapToLong(TokenEstimate::chars).sum()
                    + chars(pair.preferred()) + chars(pair.nonPreferred());
            case ReinforcementExample prompt -> prompt.messages().stream().mapToLong(TokenEstimate::chars).sum();
        };
        return (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }

    private static long chars(ChatMessage message) {
        return message.text().length() + (message.name() == null ? 0 : message.name().length())
                + message.toolCalls().stream().mapToLong(c -> c.name().length() + c.arguments().length()).sum();
    }
}
