package dev.whetstone.engine.torch.tokenizer;

import dev.whetstone.engine.torch.template.TemplateEngine;
import dev.whetstone.engine.torch.template.TemplateFunctions;
import dev.whetstone.engine.torch.template.TemplateSource;
import com.hubspot.jinjava.tree.Node;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.ToolCall;
import dev.whetstone.data.ToolDefinition;
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
        return render(messages, List.of(), addGenerationPrompt);
    }

    /**
     * Renders parsed messages with the functions they may call, as transformers'
     * {@code apply_chat_template(messages, tools=tools)} does: {@code tools} is bound only when there are some
     * (templates test {@code if tools}), each in the OpenAI form the client wrote.
     */
    public String render(List<ChatMessage> messages, List<ToolDefinition> tools, boolean addGenerationPrompt) {
        return render(messages.stream().map(this::toMap).toList(), addGenerationPrompt, toolVariables(tools));
    }

    /** {@code {"tools": [...]}} for the template context, or no variable at all when there are none. */
    static Map<String, Object> toolVariables(List<ToolDefinition> tools) {
        if (tools.isEmpty()) return Map.of();
        return Map.of("tools", tools.stream().map(t -> JSON.convertValue(t.json(), MAP)).toList());
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

    /**
     * A message as transformers' templates expect it: content as text (images left out) or, for a template given
     * content parts ({@link #withContentParts}), as parts. Tool calls carry their arguments as a parsed object
     * (dict), the form Hugging Face documents for templates: Llama 3.1 writes {@code arguments | tojson}, which a
     * string would double-encode; Qwen's template accepts both.
     */
    Map<String, Object> toMap(ChatMessage message) {
        Map<String, Object> map = asMap(message);
        if (contentParts) map.put("content", parts(message));
        return map;
    }

    /** A message with its text content (images left out) and its tool calls. */
    static Map<String, Object> asMap(ChatMessage message) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("role", message.role());
        map.put("content", message.text());
        if (message.name() != null) {
            map.put("name", message.name());
        }
        if (!message.toolCalls().isEmpty()) {
            map.put("tool_calls", message.toolCalls().stream().map(ChatTemplate::callMap).toList());
        }
        if (message.toolCallId() != null) {
            map.put("tool_call_id", message.toolCallId());
        }
        return map;
    }

    private static Map<String, Object> callMap(ToolCall call) {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", call.name());
        try {
            function.put("arguments", JSON.readValue(call.arguments(), MAP));
        } catch (JsonProcessingException e) {
            // The data and request validators only let JSON objects through.
            throw new IllegalArgumentException("tool call arguments are not a JSON object: " + e.getOriginalMessage(), e);
        }
        Map<String, Object> map = new LinkedHashMap<>();
        if (call.id() != null) {
            map.put("id", call.id());
        }
        map.put("type", "function");
        map.put("function", function);
        return map;
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

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
