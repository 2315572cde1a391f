package dev.whetstone.engine.torch.tokenizer;

import dev.whetstone.engine.torch.template.TemplateEngine;
import dev.whetstone.engine.torch.template.TemplateFunctions;
import dev.whetstone.engine.torch.template.TemplateSource;
import com.hubspot.jinjava.tree.Node;
import dev.whetstone.data.ChatMessage;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's chat template (Jinja2, from its tokenizer_config), rendered the way transformers'
 * {@code apply_chat_template(messages, tokenize=False)} renders it. Immutable and thread-safe.
 */
public final class ChatTemplate {
    /**
     * The format used for chat data when a model has no chat template of its own: each message is
     * {@code "<Role>:\n<content>\n\n"} (role capitalised), an assistant message ends with the EOS token before the
     * blank line, the conversation starts with the BOS token when the model has one, and the generation prompt is
     * {@code "Assistant:\n"}.
     */
    public static final String FALLBACK_SOURCE = "{% if bos_token %}{{ bos_token }}{% endif %}"
            + "{% for message in messages %}{{ message.role | capitalize }}:\n{{ message.content }}"
            + "{% if message.role == 'assistant' and eos_token %}{{ eos_token }}{% endif %}"
            // Newlines as expressions: trim_blocks would eat one written right after a block tag.
            + "{{ '\\n\\n' }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ 'Assistant:\\n' }}{% endif %}";

    private final String source;
    private final Node parsed;
    private final String bosToken;
    private final String eosToken;
    private final Clock clock;
    private final boolean contentParts;

    private ChatTemplate(String source, Node parsed, String bosToken, String eosToken, Clock clock,
                         boolean contentParts) {
        this.source = source;
        this.parsed = parsed;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.clock = clock;
        this.contentParts = contentParts;
    }

    /**
     * @param bosToken the text bound to {@code bos_token}, or null; likewise {@code eosToken}
     * @throws ChatTemplateException when the template has a syntax error (or one jinjava cannot parse)
     */
    public static ChatTemplate of(String source, String bosToken, String eosToken) {
        return new ChatTemplate(source, TemplateEngine.parse(TemplateSource.normalize(source)), bosToken, eosToken,
                Clock.systemDefaultZone(), false);
    }

    /** The {@link #FALLBACK_SOURCE} format, for models without a chat template. */
    public static ChatTemplate fallback(String bosToken, String eosToken) {
        return of(FALLBACK_SOURCE, bosToken, eosToken);
    }

    /** The same template with {@code strftime_now} reading {@code clock}. */
    public ChatTemplate withClock(Clock clock) {
        return new ChatTemplate(source, parsed, bosToken, eosToken, clock, contentParts);
    }

    /**
     * The same template given each message's content as a list of parts, as vision-language processors pass it:
     * {@code {"type": "text", "text": ...}} and {@code {"type": "image"}} (the template writes its image
     * placeholder, e.g. {@code <image>}, for the latter).
     */
    public ChatTemplate withContentParts() {
        return new ChatTemplate(source, parsed, bosToken, eosToken, clock, true);
    }

    public String source() {
        return source;
    }

    /** Renders parsed messages: role, the text of the content (images left out) and the name when set. */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(messages.stream().map(this::toMap).toList(), addGenerationPrompt, Map.of());
    }

    /**
     * Renders messages given as maps (keys as in the OpenAI format: role, content, name...), with extra template
     * variables such as {@code enable_thinking}.
     *
     * @throws ChatTemplateException when the template refuses the messages or uses what jinjava cannot render
     */
    public String render(List<? extends Map<String, ?>> messages, boolean addGenerationPrompt,
                         Map<String, ?> variables) {
        Map<String, Object> context = new HashMap<>(variables);
        context.put("messages", messages);
        context.put("add_generation_prompt", addGenerationPrompt);
        // Unset special tokens stay undefined, as in transformers (which only passes the tokens a model has).
        if (bosToken != null) {
            context.put("bos_token", bosToken);
        }
        if (eosToken != null) {
            context.put("eos_token", eosToken);
        }
        context.put(TemplateFunctions.CLOCK_VARIABLE, clock);
        return TemplateEngine.render(parsed, context);
    }

    /** A message as the template sees it: content as text (images left out) or, with content parts, as parts. */
    Map<String, Object> toMap(ChatMessage message) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("role", message.role());
        map.put("content", contentParts ? parts(message) : message.text());
        if (message.name() != null) {
            map.put("name", message.name());
        }
        return map;
    }

    /** A message with its text content (images left out). */
    static Map<String, Object> asMap(ChatMessage message) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("role", message.role());
        map.put("content", message.text());
        if (message.name() != null) {
            map.put("name", message.name());
        }
        return map;
    }

    /** What replaces a message's content when probing where the content lies (see ContentSpans). */
    Object probeContent(String probe) {
        return contentParts ? List.of(Map.of("type", "text", "text", probe)) : probe;
    }

    private static List<Map<String, Object>> parts(ChatMessage message) {
        return message.content().stream().map(p -> switch (p) {
            case dev.whetstone.data.ContentPart.Text t -> Map.<String, Object>of("type", "text", "text", t.text());
            case dev.whetstone.data.ContentPart.Image i -> Map.<String, Object>of("type", "image");
        }).toList();
    }
}
