package io.newsflow.launcher.chaos;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
 * A short chaos run as separate JVMs on the test JVM's classpath: 600 articles in 4 chunks, processor and sink
 * kill -9'd three times in all at planned moments, one broker stop and restart on the same log dir and port, and one
 * more processor kill -9 300 ms after that restart; nothing may be lost or duplicated, every planned fault must have
 * happened and no JVM may be left running.
 *
 * <p>The kill right after the restart is the case that used to leave a hanging transaction about one run in eight
 * (a transaction committed while the broker was shutting down kept its partitions open for good, KAFKA-20734); the
 * embedded broker now shuts down without controlled shutdown, see {@code EmbeddedKafkaBroker#serverProperties()} and
 * the README.
 *
 * <p>The test once left the broker restart out because the harness itself could wait for good: a fault was seen only
 * after the sink had caught up (the harness was busy with the restart), and the next one then waited for sink
 * progress that could no longer come. Faults now fire in order as soon as their trigger is passed, the publisher
 * holds the next chunk back until the faults within reach have been applied, a fault that can no longer land while
 * articles flow is reported as not fired (and fails the run), and each run has a deadline ({@code --deadline}, set
 * here below the test's timeout so that a stuck run says where it stood). See {@link FaultSchedule}.
 */
class ChaosTest {

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void killsAndABrokerRestartLoseAndDuplicateNothing() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new Tee(System.out, captured), true, StandardCharsets.UTF_8);
        ChaosOptions options = ChaosOptions.parse(new String[] {"--articles", "600", "--kills", "3", "--seed", "2",
                "--broker-restarts", "1", "--kill-after-broker-restart", "300", "--chunk-gap-ms", "1000",
                "--deadline", "480", "--work-dir", workDir().toString()});
        ChaosPlan plan = ChaosPlan.draw(2, 3, 1, 600, ChaosPlan.reachBeforeLastChunk(List.of(150, 150, 150, 150)));
        assertTrue(plan.count(ChaosPlan.Target.SINK) >= 1 && plan.count(ChaosPlan.Target.PROCESSOR) >= 1,
                "both the processor and the sink are killed: " + plan.describe());

        int exit = Chaos.run(options, JvmLauncher.current(), out);

        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(Chaos.SUMMARY.matcher(last).matches(), "last line: " + last);
        Chaos.Summary s = Chaos.Summary.parse(last);
        assertEquals(0, s.lost(), last);
        assertEquals(0, s.duplicated(), last);
        assertEquals(600, s.in(), last);
        assertTrue(s.kills() >= 4, last); // 3 planned + 1 after the broker restart
        assertEquals(1, s.brokerRestarts(), last);
        assertEquals(s.in(), s.enriched() + s.dlq(), last);
        assertTrue(lines.stream().noneMatch(l -> l.contains("not fired")), "every planned fault fired");
        assertEquals(0, exit, "chaos failed; see the output above");
        assertEquals(0, ChildJvm.liveCount(), "child JVMs left running");
    }

    /** Under target/, so that the logs outlive a failed run (a passing run deletes it). */
    private static Path workDir() {
        return Path.of("target", "chaos-test-" + System.currentTimeMillis()).toAbsolutePath();
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
