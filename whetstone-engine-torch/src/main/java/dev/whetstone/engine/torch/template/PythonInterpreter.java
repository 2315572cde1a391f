package dev.whetstone.engine.torch.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpreterFactory;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.objects.serialization.PyishObjectMapper;
import java.util.Collection;
import java.util.Map;

/**
 * A jinjava interpreter that prints values as Python's {@code str()} does: {@code True}/{@code False}, floats as
 * {@code 1.0}, strings untouched. (jinjava's own "pyish" printing re-escapes every string through JSON, which is
 * slow and not the identity for all content; without it booleans print as {@code true}.)
 */
final class PythonInterpreter extends JinjavaInterpreter {

    private PythonInterpreter(Jinjava application, Context context, JinjavaConfig config) {
        super(application, context, config);
    }

    private PythonInterpreter(JinjavaInterpreter parent) {
        super(parent);
    }

    @Override
    public String getAsString(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value instanceof Double || value instanceof Float) {
            return PyJson.dumps(value, -1);
        }
        if (value instanceof Collection<?> || value instanceof Map<?, ?>) {
            return PyishObjectMapper.getAsPyishString(value);
        }
        return value.toString();
    }

    static final class Factory implements InterpreterFactory {
        @Override
        public JinjavaInterpreter newInstance(JinjavaInterpreter orig) {
            return new PythonInterpreter(orig);
        }

        @Override
        public JinjavaInterpreter newInstance(Jinjava application, Context context, JinjavaConfig config) {
            return new PythonInterpreter(application, context, config);
        }
    }
}
