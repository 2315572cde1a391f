package dev.whetstone.engine.torch.tokenizer;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.util.Map;
import java.util.stream.Collectors;
import jinjava.javax.el.CompositeELResolver;

/**
 * The jinjava set-up that renders chat templates like transformers' Jinja2 environment: {@code trim_blocks} and
 * {@code lstrip_blocks}, Python operator precedence and whitespace control on expressions, Python string methods,
 * {@code raise_exception}, {@code strftime_now}, Python-style {@code tojson}. One shared, thread-safe instance.
 */
final class TemplateEngine {
    private static final Jinjava JINJAVA = create();

    private TemplateEngine() {}

    static String render(String template, Map<String, Object> variables) {
        RenderResult result = JINJAVA.renderForResult(template, variables);
        String failures = result.getErrors().stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL)
                .map(TemplateEngine::describe)
                .collect(Collectors.joining("; "));
        if (!failures.isEmpty()) {
            throw new ChatTemplateException(failures);
        }
        return result.getOutput();
    }

    private static String describe(TemplateError error) {
        String refusal = refusal(error.getException());
        return refusal != null ? refusal : "chat template line " + error.getLineno() + ": " + error.getMessage()
                + " (jinjava does not render this construct; give the model a chat template without it)";
    }

    /** The message of a {@code raise_exception} call, however deep jinjava wrapped it. */
    private static String refusal(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ChatTemplateException) {
                return c.getMessage();
            }
        }
        return null;
    }

    private static Jinjava create() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        LegacyOverrides python = LegacyOverrides.newBuilder()
                .withEvaluateMapKeys(true)
                .withIterateOverMapKeys(true)
                .withUseNaturalOperatorPrecedence(true)
                .withParseWhitespaceControlStrictly(true)
                .withUseTrimmingForNotesAndExpressions(true)
                .withKeepNullableLoopValues(true)
                .build();
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withLegacyOverrides(python)
                .withNestedInterpretationEnabled(false)
                .withElResolver(resolver)
                .withInterperterFactory(new PythonInterpreter.Factory())
                .build();
        Jinjava jinjava = new Jinjava(config);
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                TemplateFunctions.class, "raiseException", String.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
                TemplateFunctions.class, "strftimeNow", String.class));
        jinjava.getGlobalContext().registerFilter(new TemplateFunctions.ToJson());
        jinjava.getGlobalContext().registerFilter(new TemplateFunctions.Trim());
        return jinjava;
    }
}
