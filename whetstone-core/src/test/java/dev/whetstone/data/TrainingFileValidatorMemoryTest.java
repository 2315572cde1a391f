package dev.whetstone.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The validator streams: its live heap stays far below the size of the file it reads. */
class TrainingFileValidatorMemoryTest {
    private static final long FILE_BYTES = 200L << 20;
    private static final long ALLOWED_LIVE_HEAP = 32L << 20;

    @Test
    void validatesA200MegabyteStreamWithBoundedHeap() throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = liveHeap(memory);
        GeneratedStream stream = new GeneratedStream(FILE_BYTES, memory);

        long start = System.nanoTime();
        ValidationReport report = new TrainingFileValidator().validate(stream);
        double seconds = (System.nanoTime() - start) / 1e9;

        assertThat(report.errors()).isEmpty();
        assertThat(report.statistics().examples()).isEqualTo(stream.lines);
        assertThat(stream.produced).isGreaterThanOrEqualTo(FILE_BYTES);
        long growth = stream.maxLiveHeap - before;
        System.out.printf("validated %d MiB (%d lines) in %.1f s (%.0f MiB/s, including %d forced GCs);"
                        + " live heap growth at most %.1f MiB%n", stream.produced >> 20, stream.lines, seconds,
                (stream.produced >> 20) / seconds, stream.probes, growth / 1048576.0);
        assertThat(stream.probes).isGreaterThanOrEqualTo(4);
        assertThat(growth).isLessThan(ALLOWED_LIVE_HEAP);
    }

    /** Used heap after a full collection: what is still reachable. */
    private static long liveHeap(MemoryMXBean memory) {
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    /**
     * Chat lines made up on the fly, so the test itself holds no file; every 40 MiB (mid-validation) it measures
     * the live heap.
     */
    private static final class GeneratedStream extends InputStream {
        private static final long PROBE_EVERY = 40L << 20;
        private final long target;
        private final MemoryMXBean memory;
        private byte[] line = new byte[0];
        private int pos;
        long produced;
        long lines;
        int probes;
        long maxLiveHeap;
        private long nextProbe = PROBE_EVERY;

        GeneratedStream(long target, MemoryMXBean memory) {
            this.target = target;
            this.memory = memory;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (pos == line.length && !nextLine()) return -1;
            int n = Math.min(length, line.length - pos);
            System.arraycopy(line, pos, buffer, offset, n);
            pos += n;
            produced += n;
            if (produced >= nextProbe) {
                nextProbe += PROBE_EVERY;
                probes++;
                maxLiveHeap = Math.max(maxLiveHeap, liveHeap(memory));
            }
            return n;
        }

        private boolean nextLine() {
            if (produced >= target) return false;
            lines++;
            String answer = ("Answer " + lines + ": the quick brown fox jumps over the lazy dog. ").repeat(12);
            line = ("{\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},{\"role\":\"user\",\"content\":\"Question "
                    + lines + "?\"},{\"role\":\"assistant\",\"content\":\"" + answer + "\",\"weight\":1}]}\n")
                    .getBytes(StandardCharsets.UTF_8);
            pos = 0;
            return true;
        }
    }
}
