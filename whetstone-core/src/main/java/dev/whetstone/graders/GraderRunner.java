package dev.whetstone.graders;

import dev.whetstone.data.ChatMessage;
import dev.whetstone.data.ContentPart;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Grades one sample with a parsed {@link Grader}. Failures that belong to this sample (a template variable the
 * item lacks, an exception in the user's Python, an unparsable or out-of-range model reply, a formula that divides
 * by zero) give reward 0 with the API's error flag set, never an exception, so a training step can grade a whole
 * group and go on.
 *
 * <p>Model replies: a {@code score_model} reply is read as JSON {@code {"result": number}} (the structured output
 * OpenAI's score graders return) when it is one, else as the one number in the text (a reply with
 * several numbers is ambiguous, a parse error); a score outside the
 * grader's range is a parse error. A {@code label_model} reply is JSON {@code {"result": label}}, else the reply
 * text itself (trimmed, case-insensitive) or the one label the text contains; passing labels give 1, others 0.
 */
public final class GraderRunner {
    private static final Pattern NUMBER = Pattern.compile("[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?");

    private final GraderModel models;
    private final PythonSandbox python;

    public GraderRunner(GraderModel models, PythonSandbox python) {
        this.models = models;
        this.python = python;
    }

    public GradeResult run(Grader grader, GradingSample sample) {
        long start = System.nanoTime();
        Partial p = grade(grader, sample);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new GradeResult(grader.name(), grader.type(), p.reward, p.errors, p.details, seconds, p.subRewards,
                p.usage, p.sampledModel);
    }

    /** Mutable pieces of a result while a (multi) grader runs. */
    private static final class Partial {
        double reward;
        final Set<GradeError> errors = EnumSet.noneOf(GradeError.class);
        final Map<String, String> details = new HashMap<>();
        Map<String, Double> subRewards = new LinkedHashMap<>();
        Map<String, GradeResult.TokenUsage> usage = new LinkedHashMap<>();
        String sampledModel;

        Partial fail(GradeError e, String message) {
            reward = 0;
            errors.add(e);
            details.putIfAbsent("message", message);
            return this;
        }
    }

    private Partial grade(Grader grader, GradingSample sample) {
        Partial p = new Partial();
        try {
            switch (grader) {
                case Grader.StringCheck g ->
                        p.reward = g.operation().test(g.input().render(sample), g.reference().render(sample)) ? 1 : 0;
                case Grader.TextSimilarity g ->
                        p.reward = TextMetrics.score(g.metric(), g.input().render(sample), g.reference().render(sample));
                case Grader.Python g -> python(g, sample, p);
                case Grader.Model g -> model(g, sample, p);
                case Grader.Multi g -> multi(g, sample, p);
            }
        } catch (Template.MissingVariableException e) {
            p.fail(GradeError.INVALID_VARIABLE, e.getMessage());
        }
        return p;
    }

    private void python(Grader.Python g, GradingSample sample, Partial p) {
        PythonSandbox.Outcome o = python.grade(g.source(), sample);
        if (o.serverError() != null) {
            p.fail(GradeError.PYTHON_SERVER, o.serverError());
            p.details.put("python_grader_server_error_type", "sandbox_unavailable");
        } else if (o.syntaxError() != null || o.runtimeError() != null) {
            String why = o.syntaxError() != null ? o.syntaxError() : o.runtimeError();
            p.fail(GradeError.PYTHON_RUNTIME, why);
            p.details.put("python_grader_runtime_error_details", why);
        } else {
            p.reward = o.reward();
        }
    }

    private void model(Grader.Model g, GradingSample sample, Partial p) {
        List<ChatMessage> messages = new ArrayList<>();
        for (Grader.InputMessage m : g.input()) {
            List<ContentPart> parts = new ArrayList<>();
            for (Template t : m.parts()) parts.add(new ContentPart.Text(t.render(sample)));
            messages.add(new ChatMessage(m.role(), parts, null, null));
        }
        GraderModel.Reply reply;
        try {
            reply = models.complete(g.model(), messages, g.sampling());
        } catch (GraderModel.GraderModelException e) {
            p.fail(GradeError.MODEL_SERVER, e.getMessage());
            p.details.put("model_grader_server_error_details", e.getMessage());
            return;
        }
        p.sampledModel = reply.modelName();
        p.usage.put(reply.modelName(), new GradeResult.TokenUsage(reply.promptTokens(), reply.completionTokens()));
        String text = reply.text().strip();
        com.fasterxml.jackson.databind.JsonNode json = GradingSample.of(text, null).outputJson();
        com.fasterxml.jackson.databind.JsonNode result = json != null && json.isObject() ? json.get("result") : null;
        if (g.labels() == null) {
            Double score = null;
            if (result != null && result.isNumber()) score = result.asDouble();
            else if (json != null && json.isNumber()) score = json.asDouble();
            else {
                Matcher m = NUMBER.matcher(text);
                List<String> numbers = new ArrayList<>();
                while (m.find()) numbers.add(m.group());
                if (numbers.size() == 1) score = Double.parseDouble(numbers.get(0));
            }
            if (score == null || !Double.isFinite(score)) {
                p.fail(GradeError.MODEL_PARSE, "The grader model's reply holds no score (JSON {\"result\": n} or exactly one number): " + clip(text));
            } else if (score < g.rangeLow() || score > g.rangeHigh()) {
                p.fail(GradeError.MODEL_PARSE, "The grader model's score " + score + " is outside the range ["
                        + g.rangeLow() + ", " + g.rangeHigh() + "].");
            } else {
                p.reward = score;
            }
        } else {
            String label = result != null && result.isTextual() ? result.asText().strip() : label(text, g.labels());
            String matched = label == null ? null : g.labels().stream()
                    .filter(l -> l.equalsIgnoreCase(label)).findFirst().orElse(null);
            if (matched == null) {
                p.fail(GradeError.MODEL_PARSE, "The grader model's reply is none of the labels " + g.labels() + ": " + clip(text));
            } else {
                p.reward = g.passingLabels().contains(matched) ? 1 : 0;
            }
        }
    }

    /** The reply itself when it is a label, else the one label it mentions; null when none or several. */
    private static String label(String text, List<String> labels) {
        String t = text.strip().replaceAll("^[\"'`*]+|[\"'`*.!]+$", "");
        for (String l : labels) if (l.equalsIgnoreCase(t)) return l;
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> found = labels.stream().filter(l -> Pattern.compile("\\b" + Pattern.quote(l.toLowerCase(Locale.ROOT)) + "\\b")
                .matcher(lower).find()).toList();
        return found.size() == 1 ? found.get(0) : null;
    }

    private void multi(Grader.Multi g, GradingSample sample, Partial p) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (var e : g.graders().entrySet()) {
            Partial sub = grade(e.getValue(), sample);
            values.put(e.getKey(), sub.reward);
            p.errors.addAll(sub.errors);
            sub.details.forEach(p.details::putIfAbsent);
            p.usage = GradeResult.merge(p.usage, sub.usage);
            if (p.sampledModel == null) p.sampledModel = sub.sampledModel;
        }
        p.subRewards = values;
        try {
            p.reward = g.formula().evaluate(values);
        } catch (ArithmeticException e) {
            p.fail(GradeError.OTHER, "calculate_output could not be evaluated: " + e.getMessage());
        }
    }

    private static String clip(String s) {
        return s.length() <= 200 ? "'" + s + "'" : "'" + s.substring(0, 200) + "…'";
    }
}
