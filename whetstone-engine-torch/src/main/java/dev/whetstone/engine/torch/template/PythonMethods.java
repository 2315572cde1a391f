package dev.whetstone.engine.torch.template;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python methods on strings and dicts ({@code content.strip()}, {@code x.startswith(...)}, {@code d.items()}) that
 * chat templates call and jinjava, which resolves methods on the Java class, does not know. Placed first in the
 * resolver chain; anything it does not know falls through to jinjava's own resolvers.
 */
final class PythonMethods extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] types, Object[] params) {
        Object[] args = params == null ? new Object[0] : params;
        Object result = NOT_HANDLED;
        if (base instanceof String s) {
            result = onString(s, method.toString(), args);
        } else if (base instanceof Map<?, ?> map) {
            result = onMap(map, method.toString(), args);
        }
        if (result == NOT_HANDLED) {
            return null;
        }
        context.setPropertyResolved(true);
        return result;
    }

    private static final Object NOT_HANDLED = new Object();

    private static Object onString(String s, String method, Object[] a) {
        return switch (method) {
            case "strip" -> PyStrings.strip(s, str(a, 0), true, true);
            case "lstrip" -> PyStrings.strip(s, str(a, 0), true, false);
            case "rstrip" -> PyStrings.strip(s, str(a, 0), false, true);
            case "split" -> PyStrings.split(s, str(a, 0), integer(a, 1, -1));
            case "startswith" -> anyMatch(a, s::startsWith);
            case "endswith" -> anyMatch(a, s::endsWith);
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "title" -> PyStrings.title(s);
            case "capitalize" -> PyStrings.capitalize(s);
            case "replace" -> PyStrings.replace(s, str(a, 0), str(a, 1), integer(a, 2, -1));
            case "find" -> (long) s.indexOf(str(a, 0));
            case "count" -> (long) PyStrings.split(s, str(a, 0), -1).size() - 1;
            case "join" -> join(s, a[0]);
            case "splitlines" -> PyStrings.splitLines(s);
            case "isspace" -> !s.isEmpty() && s.codePoints().allMatch(PyStrings::isSpace);
            case "isdigit" -> !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
            default -> NOT_HANDLED;
        };
    }

    private static Object onMap(Map<?, ?> map, String method, Object[] a) {
        return switch (method) {
            case "items" -> new ArrayList<>(map.entrySet());
            case "keys" -> new ArrayList<>(map.keySet());
            case "values" -> new ArrayList<>(map.values());
            case "get" -> map.containsKey(a[0]) ? map.get(a[0]) : a.length > 1 ? a[1] : null;
            default -> NOT_HANDLED;
        };
    }

    private static String str(Object[] a, int i) {
        return i < a.length && a[i] != null ? a[i].toString() : null;
    }

    private static int integer(Object[] a, int i, int absent) {
        return i < a.length && a[i] instanceof Number n ? n.intValue() : absent;
    }

    /** {@code startswith}/{@code endswith} take one string or a tuple (a list here) of strings. */
    private static boolean anyMatch(Object[] a, java.util.function.Predicate<String> test) {
        if (a.length > 0 && a[0] instanceof Collection<?> options) {
            return options.stream().anyMatch(o -> test.test(String.valueOf(o)));
        }
        return test.test(str(a, 0));
    }

    private static String join(String separator, Object items) {
        List<String> parts = new ArrayList<>();
        if (items instanceof Iterable<?> iterable) {
            iterable.forEach(o -> parts.add(String.valueOf(o)));
        }
        return String.join(separator, parts);
    }

    // Property access is left to jinjava's resolvers.
    @Override
    public Object getValue(ELContext context, Object base, Object property) { return null; }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) { return null; }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {}

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) { return true; }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) { return null; }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) { return null; }
}
