package dev.whetstone.graders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whetstone.error.ApiException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The python grader's process: where this machine has python3 and user namespaces every limit is exercised; where
 * it has not, the grader must be refused with the reason (the test checks whichever this machine is).
 */
class PythonSandboxTest {
    private static final PythonSandbox SANDBOX = PythonSandbox.detect(Duration.ofSeconds(4), 256L << 20);

    private static GradingSample sample(String output, String itemJson) throws Exception {
        return GradingSample.of(output, (ObjectNode) new ObjectMapper().readTree(itemJson));
    }

    private static String src(String body) {
        return "def grade(sample, item):\n" + body.indent(4);
    }

    @Test
    void gradesLikeTheSpecExampleOrIsRefused() throws Exception {
        GraderParser parser = new GraderParser(GraderModel.NONE, SANDBOX);
        String spec = "def grade(sample: dict, item: dict) -> float:\n"
                + "    \"\"\"Returns 1.0 if `output_text` equals `label`, otherwise 0.0.\"\"\"\n"
                + "    output = sample.get(\"output_text\")\n    label = item.get(\"label\")\n"
                + "    return 1.0 if output == label else 0.0\n";
        ObjectNode grader = new ObjectMapper().createObjectNode().put("type", "python").put("name", "p")
                .put("image_tag", "2025-05-08").put("source", spec);
        if (!SANDBOX.available()) {
            assertThat(SANDBOX.unavailableReason()).isNotBlank();
            assertThatThrownBy(() -> parser.parse(grader, "grader")).isInstanceOf(ApiException.class)
                    .hasMessage(SANDBOX.unavailableReason());
            return;
        }
        GraderRunner runner = new GraderRunner(GraderModel.NONE, SANDBOX);
        Grader g = parser.parse(grader, "grader");
        assertThat(runner.run(g, sample("cat", "{\"label\":\"cat\"}")).reward()).isEqualTo(1.0);
        assertThat(runner.run(g, sample("dog", "{\"label\":\"cat\"}")).reward()).isEqualTo(0.0);

        // output_json reaches Python as a dict; printing does not disturb the result
        assertThat(SANDBOX.grade(src("print('noise')\nreturn sample['output_json']['x'] * 2"), sample("{\"x\": 1.5}", "{}")).reward())
                .isEqualTo(3.0);
        // syntax errors and a missing grade() are refused at validation, naming the line
        assertThatThrownBy(() -> parser.parse(grader.deepCopy().put("source", "def grade(s, i):\n  return (\n"), "grader"))
                .isInstanceOf(ApiException.class).hasMessageContaining("line");
        assertThatThrownBy(() -> parser.parse(grader.deepCopy().put("source", "x = 1\n"), "grader"))
                .isInstanceOf(ApiException.class).hasMessageContaining("grade(sample, item)");
        // exceptions and wrong return types are the sample's runtime errors
        assertThat(SANDBOX.grade(src("raise ValueError('boom')"), sample("a", "{}")).runtimeError()).contains("ValueError: boom");
        assertThat(SANDBOX.grade(src("return 'yes'"), sample("a", "{}")).runtimeError()).contains("must return a number");
        assertThat(SANDBOX.grade(src("return True"), sample("a", "{}")).runtimeError()).contains("must return a number");
        assertThat(SANDBOX.grade(src("return float('nan')"), sample("a", "{}")).runtimeError()).contains("finite");
        // no network: not even a socket to another host is possible
        assertThat(SANDBOX.grade(src("import socket\ntry:\n    socket.create_connection(('192.0.2.1', 80), timeout=2)\n"
                + "    return 1.0\nexcept OSError:\n    return 0.0"), sample("a", "{}")).reward()).isEqualTo(0.0);
        // memory: 256 MiB address space in this test
        assertThat(SANDBOX.grade(src("x = bytearray(1 << 30)\nreturn 1.0"), sample("a", "{}")).runtimeError()).contains("MemoryError");
        // time: an endless loop is stopped (CPU limit or the wall clock)
        long start = System.nanoTime();
        PythonSandbox.Outcome loop = SANDBOX.grade(src("while True:\n    pass"), sample("a", "{}"));
        assertThat(loop.reward()).isNull();
        assertThat(loop.runtimeError()).isNotBlank();
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(30);
        // a sleep uses no CPU: the wall clock ends it
        assertThat(SANDBOX.grade(src("import time\ntime.sleep(60)\nreturn 1.0"), sample("a", "{}")).runtimeError())
                .contains("did not finish within 4 s");
    }
}
