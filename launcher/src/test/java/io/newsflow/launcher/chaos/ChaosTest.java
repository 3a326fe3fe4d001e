package io.newsflow.launcher.chaos;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A short chaos run as separate JVMs on the test JVM's classpath: 600 articles, processor and sink kill -9'd three
 * times in all, the broker restarted once; nothing may be lost or duplicated and no JVM may be left running.
 */
class ChaosTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void killsAndABrokerRestartLoseAndDuplicateNothing() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new Tee(System.out, captured), true, StandardCharsets.UTF_8);
        // seed 2 with 4 chunks: kill -9 processor (chunk 0), broker restart (1), kill -9 sink (2 and 3)
        ChaosOptions options = ChaosOptions.parse(new String[] {"--articles", "600", "--kills", "3", "--seed", "2",
                "--chunk-gap-ms", "1000", "--work-dir", dir.resolve("work").toString()});
        assertEquals(1, ChaosPlan.draw(2, 3, 1, options.chunks()).count(ChaosPlan.Target.PROCESSOR));

        int exit = Chaos.run(options, JvmLauncher.current(), out);

        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(Chaos.SUMMARY.matcher(last).matches(), "last line: " + last);
        Chaos.Summary s = Chaos.Summary.parse(last);
        assertEquals(0, s.lost(), last);
        assertEquals(0, s.duplicated(), last);
        assertEquals(600, s.in(), last);
        assertTrue(s.kills() >= 3, last);
        assertTrue(s.brokerRestarts() >= 1, last);
        assertEquals(s.in(), s.enriched() + s.dlq(), last);
        assertEquals(0, exit, "chaos failed; see the output above");
        assertEquals(0, ChildJvm.liveCount(), "child JVMs left running");
    }

    /** Shows the run's progress in the test log and keeps a copy to check. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public synchronized void flush() throws java.io.IOException {
            a.flush();
            b.flush();
        }
    }
}
