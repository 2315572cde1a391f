package dev.whetstone.engine.torch.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import org.junit.jupiter.api.Test;

/** Jinja2 constructs that real chat templates use, rendered as Jinja2 (with transformers' helpers) renders them. */
class TemplateFeaturesTest {
    private static final List<Map<String, String>> MESSAGES = List.of(
            Map.of("role", "system", "content", "  sys  "),
            Map.of("role", "user", "content", "a</think>b"),
            Map.of("role", "assistant", "content", "reply"));

    private static String render(String source) {
        return render(source, Map.of());
    }

    private static String render(String source, Map<String, ?> variables) {
        return ChatTemplate.of(source, "<s>", "</s>").render(MESSAGES, false, variables);
    }

    static Stream<Arguments> constructs() {
        return Stream.of(
                arguments("{{ '  x y  '.strip() }}",
                        "x y"),
                arguments("{{ '\n\nx\n'.lstrip('\n') }}",
                        "x\n"),
                arguments("{{ 'x\n\n'.rstrip('\n') }}",
                        "x"),
                arguments("{{ '--x--'.strip('-') }}",
                        "x"),
                arguments("{{ 'a b  c'.split() | length }}",
                        "3"),
                arguments("{{ 'a</think>b'.split('</think>')[-1] }}",
                        "b"),
                arguments("{{ 'a,b,c'.split(',', 1)[1] }}",
                        "b,c"),
                arguments("{{ 'hello'.startswith('he') }} {{ 'hello'.endswith('lo') }}"
                        + " {{ 'x'.startswith(('a', 'x')) }} {{ 'x'.startswith('y') }}",
                        "True True True False"),
                arguments("{{ 'MiXed'.upper() }} {{ 'MiXed'.lower() }}",
                        "MIXED mixed"),
                arguments("{{ 'a-a-a'.replace('a', 'b') }} {{ 'a-a-a'.replace('a', 'b', 1) }}",
                        "b-b-b b-a-a"),
                arguments("{{ \"they're bill's friends\".title() }}",
                        "They'Re Bill'S Friends"),
                arguments("{{ 'user'.capitalize() }}",
                        "User"),
                arguments("{{ ', '.join(['a', 'b']) }}",
                        "a, b"),
                arguments("{{ '\u00a0 x \u3000' | trim }}",
                        "x"),
                arguments("{% for m in messages %}{% if loop.index0 == 1 %}{% continue %}{% endif %}"
                        + "{{ m.role }};{% endfor %}",
                        "system;assistant;"),
                arguments("{% for m in messages %}{% if m.role == 'assistant' %}{% break %}{% endif %}"
                        + "{{ m.role }};{% endfor %}",
                        "system;user;"),
                arguments("{% for m in messages[::-1] %}{{ m.role }}{% if not loop.last %},{% endif %}{% endfor %}",
                        "assistant,user,system"),
                arguments("{% set ns = namespace(last=messages|length - 1, found=false) %}{% for m in messages %}"
                        + "{% if m.role == 'user' %}{% set ns.found = true %}{% set ns.last = loop.index0 %}{% endif %}"
                        + "{% endfor %}{{ ns.last }} {{ ns.found }}",
                        "1 True"),
                arguments("{% set ns = namespace(s='a,(b', n=messages|length - 1) %}{{ ns.s }} {{ ns.n }}",
                        "a,(b 2"),
                arguments("{{ messages[0].content is string }} {{ messages[0].nothing is defined }} {{ none is none }}",
                        "True False True"),
                arguments("{% if '</think>' in messages[1].content %}yes{% endif %}",
                        "yes"),
                arguments("{{ bos_token }}{{ eos_token }}",
                        "<s></s>"),
                arguments("{{ messages[2]['content'] | trim }}",
                        "reply"),
                arguments("{% for m in messages %}{% if m.role == 'assistant' %}{% generation %}{{ m.content }}"
                        + "{% endgeneration %}{% endif %}{% endfor %}",
                        "reply"),
                arguments("{{ 3 // 2 }} {{ 7 % 3 }} {{ 'a' ~ 1 }}",
                        "1 1 a1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("constructs")
    void rendersLikeJinja2(String template, String expected) {
        assertThat(render(template)).isEqualTo(expected);
    }

    @Test
    void trimBlocksAndLstripBlocksAsTransformersSetsThem() {
        String template = "{% for m in messages %}\n    {% if m.role == 'user' %}\n{{ m.role }}\n    {% endif %}\n"
                + "{% endfor %}\n{{- '|' -}}\n  end";
        assertThat(render(template)).isEqualTo("user\n|end");
    }

    @Test
    void tojsonWritesPythonJson() {
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("name", "get_weather");
        tool.put("args", List.of(1, 2.5, true, "é\"\n"));
        tool.put("none", null);
        assertThat(render("{{ tool | tojson }}", Map.of("tool", tool)))
                .isEqualTo("{\"name\": \"get_weather\", \"args\": [1, 2.5, true, \"é\\\"\\n\"], \"none\": null}");
        assertThat(render("{{ tool | tojson(indent=2) }}", Map.of("tool", Map.of("a", List.of(1)))))
                .isEqualTo("{\n  \"a\": [\n    1\n  ]\n}");
        assertThat(render("{{ {'k': 'v'} | tojson }}")).isEqualTo("{\"k\": \"v\"}");
    }

    @Test
    void dictItemsIterateAsPairs() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("city", "Paris");
        params.put("unit", "C");
        assertThat(render("{% for k, v in p.items() %}{{ k }}={{ v }};{% endfor %}", Map.of("p", params)))
                .isEqualTo("city=Paris;unit=C;");
    }

    @Test
    void raiseExceptionRefusesWithTheTemplatesMessage() {
        String template = "{% if messages[0].role != 'user' %}{{ raise_exception('Conversation must start with"
                + " a user message') }}{% endif %}";
        assertThatThrownBy(() -> render(template))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("Conversation must start with a user message");
    }

    @Test
    void unsupportedSyntaxNamesTheLine() {
        assertThatThrownBy(() -> render("line one\n{{ messages[0 }}"))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("line 2");
    }

    @Test
    void strftimeNowReadsTheGivenClock() {
        Clock clock = Clock.fixed(Instant.parse("2024-07-05T13:04:09Z"), ZoneOffset.UTC);
        ChatTemplate template = ChatTemplate.of(
                "{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%Y-%m-%d %H:%M:%S %A') }}", null, null)
                .withClock(clock);
        assertThat(template.render(MESSAGES, false, Map.of()))
                .isEqualTo("05 Jul 2024|2024-07-05 13:04:09 Friday");
    }
}
