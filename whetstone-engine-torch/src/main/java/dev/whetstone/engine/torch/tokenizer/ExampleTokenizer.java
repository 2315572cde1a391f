package dev.whetstone.engine.torch.tokenizer;

import dev.whetstone.data.ChatExample;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.PreferenceExample;
import dev.whetstone.data.PromptCompletionExample;
import dev.whetstone.data.ReinforcementExample;
import dev.whetstone.data.TrainingExample;
import dev.whetstone.engine.torch.data.TokenizedExample;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Turns training examples into token ids and a loss mask.
 *
 * <ul>
 *   <li>Chat: the conversation is rendered by the model's chat template (or {@link ChatTemplate#FALLBACK_SOURCE})
 *       and tokenized as transformers does ({@code add_special_tokens=False}: the template writes BOS itself).
 *       The loss covers the tokens of each assistant message with {@link dev.whetstone.data.ChatMessage#trained()}
 *       (content as rendered) plus its end-of-turn token: the first special token after the content, with only
 *       whitespace between (as HF's assistant masks do). An assistant message's tool calls are part of it: the
 *       line's {@code tools} are passed to the template, and the loss covers the calls as the template writes them.
 *       A template that ignores tools or calls is refused ({@link ChatTemplateException}).</li>
 *   <li>Prompt/completion: BOS (when the tokenizer adds it) and the prompt are context; the completion and EOS are
 *       trained.</li>
 *   <li>Preference pairs: the input followed by each reply, encoded as chat with only that reply trained; the
 *       preferred sequence carries the non-preferred one ({@link TokenizedExample#rejected()}).</li>
 *   <li>Reinforcement prompts: the conversation and the generation prompt, nothing trained, the line attached
 *       for the grader ({@link TokenizedExample#item()}).</li>
 * </ul>
 * Examples longer than {@code maxLength} are cut at the end and marked {@code truncated}. Thread-safe.
 */
public final class ExampleTokenizer {
    /** How far past the content the end-of-turn token may be, in whitespace tokens. */
    private static final int MAX_TOKENS_BEFORE_END_OF_TURN = 3;

    private final HfTokenizer tokenizer;
    private final ChatTemplate template;
    private final int maxLength;

    /** Uses the tokenizer's own chat template, or the fallback format when it has none. */
    public ExampleTokenizer(HfTokenizer tokenizer, int maxLength) {
        this(tokenizer, tokenizer.chatTemplateOrFallback(), maxLength);
    }

    public ExampleTokenizer(HfTokenizer tokenizer, ChatTemplate template, int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("ExampleTokenizer: maxLength must be positive, was " + maxLength);
        }
        this.tokenizer = tokenizer;
        this.template = template;
        this.maxLength = maxLength;
    }

    /**
     * @throws ChatTemplateException when the chat template refuses the conversation
     */
    public TokenizedExample tokenize(TrainingExample example) {
        return switch (example) {
            case ChatExample chat -> chat(chat);
            case PromptCompletionExample pc -> promptCompletion(pc);
            case PreferenceExample pair -> TokenizedExample.pair(chat(pair.conversation(true)),
                    chat(pair.conversation(false)));
            case ReinforcementExample prompt -> prompt(prompt);
        };
    }

    /**
     * A reinforcement prompt: the conversation with the template's generation prompt (what inference renders
     * before the model's answer), nothing trained; cut at the end like other examples.
     */
    private TokenizedExample prompt(ReinforcementExample prompt) {
        int[] ids = tokenizer.encode(template.render(prompt.messages(), true), false);
        boolean truncated = ids.length > maxLength;
        return TokenizedExample.prompt(truncated ? Arrays.copyOf(ids, maxLength) : ids, truncated, prompt.item());
    }

    private TokenizedExample chat(ChatExample chat) {
        return chat(chat, List.of(), null);
    }

    /**
     * A conversation with images (vision-language models): the template renders one placeholder per image part, in
     * order; each is replaced by that image's prompt text (its image tokens, see the vision package) before
     * tokenizing, and the trained spans move with the text.
     *
     * @param placeholder what the template writes for an image part, e.g. {@code <image>}
     * @throws IllegalArgumentException when the rendered text has another number of placeholders than images
     */
    public TokenizedExample tokenize(ChatExample chat, List<String> imagePrompts, String placeholder) {
        return chat(chat, imagePrompts, placeholder);
    }

    private TokenizedExample chat(ChatExample chat, List<String> imagePrompts, String placeholder) {
        Map<String, Object> variables = ChatTemplate.toolVariables(chat.tools());
        String rendered = template.render(chat.messages(), chat.tools(), false);
        if (!chat.tools().isEmpty()) requireToolSupport(chat, rendered);
        List<ContentSpans.Span> spans = ContentSpans.ofTrainedMessages(template, chat.messages(), rendered, variables);
        if (placeholder != null) {
            List<ContentSpans.Span> moved = new java.util.ArrayList<>();
            rendered = expand(rendered, imagePrompts, placeholder, spans, moved);
            spans = moved;
        }
        HfTokenizer.Encoded encoded = tokenizer.encodeWithOffsets(rendered);
        boolean[] mask = new boolean[encoded.ids().length];
        for (ContentSpans.Span span : spans) {
            markSpan(encoded, span, mask);
        }
        return cut(encoded.ids(), mask);
    }

    /**
     * A template without tool support renders a conversation the same with or without its tools or calls, so
     * training on it would silently learn something else than the line says: refused, naming what is missing.
     */
    private void requireToolSupport(ChatExample chat, String rendered) {
        if (template.render(chat.messages(), false).equals(rendered)) {
            throw new ChatTemplateException("this model's chat template does not render tool definitions (it ignores"
                    + " 'tools'), so the line's functions would not reach the model; use a model whose template"
                    + " supports tools, or a template that does (docs/fine-tuning-jobs.md, \"Tools in training data\")");
        }
        List<ChatMessage> withoutCalls = chat.messages().stream()
                .map(m -> new ChatMessage(m.role(), m.content(), m.weight(), m.name(), List.of(), m.toolCallId()))
                .toList();
        boolean calls = chat.messages().stream().anyMatch(m -> !m.toolCalls().isEmpty());
        if (calls && template.render(withoutCalls, chat.tools(), false).equals(rendered)) {
            throw new ChatTemplateException("this model's chat template does not render assistant tool calls (it"
                    + " ignores 'tool_calls'), so the calls would not be trained; use a model whose template supports"
                    + " tools (docs/fine-tuning-jobs.md, \"Tools in training data\")");
        }
    }

    /** Replaces the placeholders in order; each span after a replacement moves by the length it added. */
    private static String expand(String rendered, List<String> prompts, String placeholder,
                                 List<ContentSpans.Span> spans, List<ContentSpans.Span> moved) {
        StringBuilder out = new StringBuilder();
        int[] shiftAt = new int[prompts.size()];
        int[] shiftBy = new int[prompts.size()];
        int from = 0;
        for (int i = 0; i < prompts.size(); i++) {
            int at = rendered.indexOf(placeholder, from);
            if (at < 0) {
                throw new IllegalArgumentException("the chat template rendered " + i + " image placeholders ("
                        + placeholder + ") for " + prompts.size() + " images");
            }
            out.append(rendered, from, at).append(prompts.get(i));
            shiftAt[i] = at;
            shiftBy[i] = prompts.get(i).length() - placeholder.length();
            from = at + placeholder.length();
        }
        if (rendered.indexOf(placeholder, from) >= 0) {
            throw new IllegalArgumentException("the chat template rendered more image placeholders (" + placeholder
                    + ") than the " + prompts.size() + " images of the conversation");
        }
        out.append(rendered, from, rendered.length());
        for (ContentSpans.Span s : spans) {
            int shift = 0;
            for (int i = 0; i < shiftAt.length; i++) if (shiftAt[i] < s.start()) shift += shiftBy[i];
            moved.add(new ContentSpans.Span(s.start() + shift, s.end() + shift));
        }
        return out.toString();
    }

    /** Marks the tokens overlapping the content, then the end-of-turn token after it. */
    private void markSpan(HfTokenizer.Encoded encoded, ContentSpans.Span span, boolean[] mask) {
        int t = 0;
        for (; t < mask.length && encoded.starts()[t] < span.end(); t++) {
            // A token that straddles the content's edge (e.g. newlines merged across it) counts as content.
            if (encoded.ends()[t] > span.start() && span.end() > span.start()) {
                mask[t] = true;
            }
        }
        markEndOfTurn(encoded, t, mask);
    }

    private void markEndOfTurn(HfTokenizer.Encoded encoded, int from, boolean[] mask) {
        int[] ids = encoded.ids();
        for (int t = from; t < ids.length && t <= from + MAX_TOKENS_BEFORE_END_OF_TURN; t++) {
            if (tokenizer.isSpecial(ids[t])) {
                Arrays.fill(mask, from, t + 1, true);
                return;
            }
            if (encoded.starts()[t] < 0 || !tokenizer.decode(new int[] {ids[t]}).isBlank()) {
                return;
            }
        }
    }

    private TokenizedExample promptCompletion(PromptCompletionExample example) {
        int[] prompt = tokenizer.encode(example.prompt(), false);
        int[] completion = tokenizer.encode(example.completion(), false);
        int bos = tokenizer.addsBos() ? 1 : 0;
        int eos = tokenizer.eosId().isPresent() ? 1 : 0;
        int[] ids = new int[bos + prompt.length + completion.length + eos];
        boolean[] mask = new boolean[ids.length];
        if (bos == 1) {
            ids[0] = tokenizer.bosId().getAsInt();
        }
        System.arraycopy(prompt, 0, ids, bos, prompt.length);
        System.arraycopy(completion, 0, ids, bos + prompt.length, completion.length);
        if (eos == 1) {
            ids[ids.length - 1] = tokenizer.eosId().getAsInt();
        }
        Arrays.fill(mask, bos + prompt.length, ids.length, true);
        return cut(ids, mask);
    }

    private TokenizedExample cut(int[] ids, boolean[] mask) {
        if (ids.length <= maxLength) {
            return new TokenizedExample(ids, mask, false);
        }
        return new TokenizedExample(Arrays.copyOf(ids, maxLength), Arrays.copyOf(mask, maxLength), true);
    }
}
