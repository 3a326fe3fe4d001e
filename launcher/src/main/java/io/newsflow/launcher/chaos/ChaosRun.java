package io.newsflow.launcher.chaos;

import io.newsflow.launcher.chaos.ChaosPlan.Fault;
import io.newsflow.launcher.chaos.ChaosPlan.Target;
import io.newsflow.model.Topics;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One run of the pipeline as separate JVMs on its own broker and directories: publishes the chunks one producer JVM
 * at a time with a pause in between, applies the plan's faults while data flows, waits until every article is in
 * the sink file (or dead-lettered), lets the sink catch up with the enriched topic, stops everything cleanly and
 * reads the result.
 */
final class ChaosRun {

    /** What one run produced. {@code completed}: every input id reached the sink or the DLQ before the stall timeout. */
    record Result(String label, boolean completed, long published, int kills, int brokerRestarts,
                  int unexpectedExits, int republishedChunks, SinkOutput.Snapshot sink, TopicStats enriched, long dlq,
                  Duration took, List<String> problems) {
    }

    private final String label;
    private final Pipeline pipeline;
    private final List<Path> chunks;
    private final Set<String> ids;
    private final ChaosPlan plan;
    private final ChaosOptions options;
    private final PrintStream out;
    private final SinkOutput.Tail tail;
    private final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
    private final long started = System.nanoTime();
    private volatile long published;
    private volatile int kills;
    private volatile int brokerRestarts;
    private int unexpectedExits;
    private int republished;
    private long dlq;
    private long lastProgress;
    private long lastDlqRead;
    private volatile boolean brokerDown;
    /** Held while a fault or a restart changes which services run. */
    private final Object services = new Object();
    private Thread monkey;

    ChaosRun(String label, Path dir, JvmLauncher jvm, List<Path> chunks, Set<String> ids, ChaosPlan plan,
             ChaosOptions options, PrintStream out) throws IOException {
        this.label = label;
        this.pipeline = new Pipeline(label, dir, jvm);
        this.chunks = chunks;
        this.ids = ids;
        this.plan = plan;
        this.options = options;
        this.out = out;
        this.tail = new SinkOutput.Tail(pipeline.sinkFile());
    }

    Result run() throws Exception {
        boolean completed = false;
        TopicStats enriched = null;
        try {
            say("starting broker on " + pipeline.bootstrap() + " (data in " + pipeline.dir() + ")");
            pipeline.startBroker();
            pipeline.createTopics();
            pipeline.processor().start();
            pipeline.sink().start();
            say("broker, processor (pid " + pipeline.processor().pid() + ") and sink (pid " + pipeline.sink().pid()
                    + ") up; publishing " + ids.size() + " articles in " + chunks.size() + " chunks");
            monkey = new Thread(this::monkey, "chaos-monkey-" + label);
            monkey.setDaemon(true);
            monkey.start();
            for (int c = 0; c < chunks.size(); c++) {
                publishChunk(c);
                if (c < chunks.size() - 1) {
                    pause(options.chunkGapMs());
                    awaitBacklogBelow(options.maxBacklog());
                }
            }
            say("all chunks published (" + published + " articles); waiting for the sink");
            completed = awaitAllInSink();
            if (completed) {
                enriched = awaitSinkCaughtUp();
                dlq = TopicStats.read(pipeline.bootstrap(), Topics.DLQ, Duration.ofSeconds(30)).records();
            }
        } catch (Exception e) {
            problems.add(label + ": " + e);
            say("FAILED: " + e);
        } finally {
            if (monkey != null) {
                monkey.interrupt();
                monkey.join(60_000);
            }
            say("stopping processor, sink and broker");
            pipeline.close();
        }
        SinkOutput.Snapshot snapshot = SinkOutput.read(pipeline.sinkFile());
        if (snapshot.fileLength() != snapshot.checkpointLength()) {
            problems.add(label + ": after a clean stop the sink file is " + snapshot.fileLength()
                    + " bytes but its checkpoint says " + snapshot.checkpointLength());
        }
        return new Result(label, completed, published, kills, brokerRestarts, unexpectedExits, republished, snapshot,
                enriched, dlq, Duration.ofNanos(System.nanoTime() - started), List.copyOf(problems));
    }

    private void publishChunk(int c) throws Exception {
        Path chunk = chunks.get(c);
        long expected;
        try (var lines = java.nio.file.Files.lines(chunk)) {
            expected = lines.filter(l -> !l.isBlank()).count();
        }
        for (int attempt = 1; ; attempt++) {
            ChildJvm producer = pipeline.startProducer(c, chunk);
            int exit = -1;
            long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
            while (exit == -1 && System.nanoTime() < deadline) {
                exit = producer.waitFor(Duration.ofMillis(200));
                housekeeping();
            }
            long n = exit == -1 ? -1 : Pipeline.published(producer, exit);
            if (n == expected) {
                published += n;
                return;
            }
            producer.stop(Duration.ofSeconds(5));
            String why = "producer of chunk " + c + " " + (exit == -1 ? "did not finish in 240 s" : "exited " + exit)
                    + "; log ends:\n" + indent(producer.tail(8));
            if (attempt >= 2) {
                throw new IllegalStateException(why);
            }
            // An idempotent producer that gives up may still have written part of the chunk: publishing it again
            // repeats those articles with identical content, which the pipeline must absorb.
            republished++;
            problems.add(label + ": " + why.lines().findFirst().orElse(why) + "; published the chunk again");
            say("WARNING " + why + "\n  publishing chunk " + c + " again");
        }
    }

    /**
     * Paces the producer by the sink: the next chunk goes out once at most {@code max} published articles are still
     * on their way, so that publishing goes on while the faults (drawn on sink progress) happen.
     */
    private void awaitBacklogBelow(long max) throws Exception {
        long deadline = System.nanoTime() + options.stallTimeout().toNanos();
        while (published - tail.distinctIds() - dlq > max) {
            if (System.nanoTime() > deadline) {
                problems.add(label + ": the sink stayed more than " + max + " articles behind for "
                        + options.stallTimeout().toSeconds() + " s; publishing the next chunk anyway");
                return;
            }
            pause(100);
        }
    }

    /** Applies the plan's faults, each once the sink has written its share of articles. */
    private void monkey() {
        try {
            long minGap = Math.max(5, ids.size() / 100);
            long lastFiredAt = -minGap;
            for (Fault f : plan.faults()) {
                // at the drawn count, and only once the pipeline has moved on since the previous fault
                while (true) {
                    tail.poll();
                    long n = tail.distinctIds();
                    if (n >= f.atArticles() && n >= lastFiredAt + minGap) {
                        lastFiredAt = n;
                        break;
                    }
                    Thread.sleep(20);
                }
                Thread.sleep(f.jitterMs());
                synchronized (services) {
                    apply(f);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            problems.add(label + ": fault injection failed: " + e);
            say("FAULT INJECTION FAILED: " + e);
        }
    }

    private void apply(Fault f) throws Exception {
        switch (f.target()) {
            case PROCESSOR, SINK -> {
                ChildJvm victim = f.target() == Target.PROCESSOR ? pipeline.processor() : pipeline.sink();
                long pid = victim.pid();
                tail.poll();
                long before = tail.distinctIds();
                victim.kill9();
                kills++;
                say(String.format("KILL -9 %s (pid %d) [kill %d] with %d articles in the sink file, %d published",
                        f.target().name().toLowerCase(), pid, kills, before, published));
                Thread.sleep(f.downMs());
                victim.start();
                if (f.target() == Target.SINK) {
                    tail.reset(); // the sink cuts its file back to the last checkpoint
                }
                say(String.format("restarted %s after %d ms (pid %d)", f.target().name().toLowerCase(), f.downMs(), victim.pid()));
            }
            case BROKER -> {
                long t0 = System.nanoTime();
                brokerDown = true;
                boolean clean = pipeline.broker().stop(Duration.ofSeconds(45));
                say("broker stopped (" + (clean ? "clean shutdown" : "did not stop in 45 s: killed") + " in "
                        + (System.nanoTime() - t0) / 1_000_000 + " ms) with " + tail.distinctIds()
                        + " articles in the sink file, " + published + " published; restarting on the same log dir and port after "
                        + f.downMs() + " ms");
                Thread.sleep(f.downMs());
                pipeline.startBroker();
                brokerDown = false;
                brokerRestarts++;
                say("broker restarted (pid " + pipeline.broker().pid() + ", down " + (System.nanoTime() - t0) / 1_000_000
                        + " ms)");
                if (options.killAfterBrokerRestartMs() >= 0) {
                    Thread.sleep(options.killAfterBrokerRestartMs());
                    apply(new Fault(Target.PROCESSOR, 0, 0, f.downMs() / 2));
                }
            }
        }
    }

    /** Waits until every input id is in the sink file or the DLQ holds the rest; false on a stall. */
    private boolean awaitAllInSink() throws Exception {
        long lastDone = -1;
        long lastChange = System.nanoTime();
        boolean diagnosed = false;
        while (true) {
            housekeeping();
            long inSink = ids.stream().filter(tail::contains).count();
            long done = inSink + dlq;
            if (inSink < ids.size() && done >= ids.size()) {
                readDlq(true); // the rest may be dead-lettered: make sure of the count before trusting it
                done = inSink + dlq;
            }
            if (done >= ids.size() && !monkey.isAlive()) {
                say(String.format("all %d articles accounted for: %d in the sink, %d dead-lettered", ids.size(), inSink, dlq));
                return true;
            }
            if (done != lastDone) {
                lastDone = done;
                lastChange = System.nanoTime();
                diagnosed = false;
            } else if (!diagnosed && System.nanoTime() - lastChange > Math.min(90_000_000_000L, options.stallTimeout().toNanos() / 2)) {
                diagnosed = true;
                say(String.format("no progress for %d s; the processor log ends:%n%s%n  Kafka says:%n%s",
                        (System.nanoTime() - lastChange) / 1_000_000_000L, indent(pipeline.processor().tail(6)),
                        Diagnostics.describe(pipeline.bootstrap(), Pipeline.PARTITIONS)));
            } else if (System.nanoTime() - lastChange > options.stallTimeout().toNanos()) {
                String msg = String.format("no progress for %d s: %d of %d articles in the sink, %d dead-lettered",
                        options.stallTimeout().toSeconds(), inSink, ids.size(), dlq);
                problems.add(label + ": " + msg);
                say("GIVING UP: " + msg + "\n  processor log ends:\n" + pipeline.processor().tail(10));
                return false;
            }
            Thread.sleep(250);
        }
    }

    /**
     * Every id is in the file; anything else the processor committed (a repeat, say) must reach the sink too before
     * the file is judged: waits until the checkpoint is past the last committed record of every partition.
     */
    private TopicStats awaitSinkCaughtUp() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            TopicStats stats = TopicStats.read(pipeline.bootstrap(), Topics.ENRICHED, Duration.ofSeconds(30));
            Map<Integer, Long> at = SinkOutput.readCheckpoint(pipeline.sinkFile()).offsets();
            boolean caughtUp = stats.afterLastRecord().entrySet().stream()
                    .allMatch(e -> at.getOrDefault(e.getKey(), 0L) >= e.getValue());
            if (caughtUp) {
                say("sink checkpoint " + at + " covers the enriched topic (" + stats.records() + " committed records)");
                return stats;
            }
            if (System.nanoTime() > deadline) {
                problems.add(label + ": sink checkpoint " + at + " never reached " + stats.afterLastRecord());
                return stats;
            }
            housekeeping();
            Thread.sleep(500);
        }
    }

    /** Restarts a service that died without being killed, prints progress now and then. */
    private void housekeeping() throws Exception {
        synchronized (services) {
            restartCrashed();
        }
        tail.poll();
        if (System.nanoTime() - lastProgress > 5_000_000_000L) {
            lastProgress = System.nanoTime();
            readDlq(false);
            say(String.format("progress: published=%d/%d in_sink=%d (lines %d) dlq=%d kills=%d broker_restarts=%d",
                    published, ids.size(), tail.distinctIds(), tail.lines(), dlq, kills, brokerRestarts));
        }
    }

    private void restartCrashed() throws Exception {
        for (ChildJvm c : List.of(pipeline.broker(), pipeline.processor(), pipeline.sink())) {
            if (c == pipeline.broker() && brokerDown) {
                continue;
            }
            int code = c.unexpectedExitCode();
            if (code != -1) {
                unexpectedExits++;
                String msg = c.name() + " exited by itself with status " + code;
                problems.add(label + ": " + msg);
                say("WARNING " + msg + "; its log ends:\n" + indent(c.tail(12)) + "\n  restarting it");
                if (c == pipeline.broker()) {
                    pipeline.startBroker();
                } else {
                    c.start();
                    if (c == pipeline.sink()) {
                        tail.reset();
                    }
                }
            }
        }
    }

    private void readDlq(boolean force) {
        if (brokerDown || (!force && System.nanoTime() - lastDlqRead < 10_000_000_000L)) {
            return;
        }
        lastDlqRead = System.nanoTime();
        try {
            dlq = TopicStats.read(pipeline.bootstrap(), Topics.DLQ, Duration.ofSeconds(5)).records();
        } catch (RuntimeException e) {
            // broker busy or restarting: keep the last count
        }
    }

    private void pause(long ms) throws Exception {
        sleepUntil(System.nanoTime() + ms * 1_000_000);
    }

    private void sleepUntil(long nanoTime) throws Exception {
        while (System.nanoTime() < nanoTime) {
            housekeeping();
            Thread.sleep(Math.max(1, Math.min(200, (nanoTime - System.nanoTime()) / 1_000_000)));
        }
    }

    private void say(String msg) {
        out.printf("chaos[%s %5.1fs]: %s%n", label, (System.nanoTime() - started) / 1e9, msg);
        out.flush();
    }

    private static String indent(String s) {
        return s.lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElse("");
    }
}
