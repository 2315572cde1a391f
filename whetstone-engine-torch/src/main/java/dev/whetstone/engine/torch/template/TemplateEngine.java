package dev.whetstone.engine.torch.template;

import dev.whetstone.engine.torch.tokenizer.ChatTemplateException;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.interpret.AutoCloseableSupplier.AutoCloseableImpl;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jinjava.javax.el.CompositeELResolver;

/**
 * The jinjava set-up that renders chat templates like transformers' Jinja2 environment: {@code trim_blocks} and
 * {@code lstrip_blocks}, Python operator precedence and whitespace control on expressions, Python string methods,
 * {@code raise_exception}, {@code strftime_now}, Python-style {@code tojson}. One shared, thread-safe instance.
 */
public final class TemplateEngine {
    private static final Jinjava JINJAVA = create();

    private TemplateEngine() {}

    /**
     * Parses once what is rendered many times (a training file renders its template a few times per example).
     *
     * @throws ChatTemplateException on syntax errors
     */
    public static Node parse(String template) {
        JinjavaInterpreter interpreter = newInterpreter(Map.of());
        try (AutoCloseableImpl<JinjavaInterpreter> current = JinjavaInterpreter.closeablePushCurrent(interpreter)
                .get()) {
            Node root = interpreter.parse(template);
            failOnFatalErrors(interpreter.getErrorsCopy());
            return root;
        }
    }

    /** Renders a parsed template; the tree is only read, so one tree serves concurrent renders. */
    public static String render(Node template, Map<String, Object> variables) {
        JinjavaInterpreter interpreter = newInterpreter(variables);
        try (AutoCloseableImpl<JinjavaInterpreter> current = JinjavaInterpreter.closeablePushCurrent(interpreter)
                .get()) {
            String output;
            try {
                output = interpreter.render(template);
            } catch (RuntimeException e) {
                String refusal = refusal(e);
                throw new ChatTemplateException(refusal != null ? refusal : "chat template: " + e.getMessage());
            }
            failOnFatalErrors(interpreter.getErrorsCopy());
            return output;
        }
    }

    private static JinjavaInterpreter newInterpreter(Map<String, ?> variables) {
        JinjavaConfig config = JINJAVA.getGlobalConfig();
        // A copy of the global context per render, as Jinjava.renderForResult does: renders never see each other.
        Context context = new Context(JINJAVA.getGlobalContextCopy(), variables, config.getDisabled());
        return config.getInterpreterFactory().newInstance(JINJAVA, context, config);
    }

    private static void failOnFatalErrors(List<TemplateError> errors) {
        String failures = errors.stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL)
                .map(TemplateEngine::describe)
                .collect(Collectors.joining("; "));
        if (!failures.isEmpty()) {
            throw new ChatTemplateException(failures);
        }
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
        jinjava.getGlobalContext().registerTag(new TemplateFunctions.GenerationTag());
        return jinjava;
    }
}
