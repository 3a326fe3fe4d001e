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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One run of the pipeline as separate JVMs on its own broker and directories: publishes the chunks one producer JVM
 * at a time with a pause in between, applies the plan's faults while data flows (see {@link FaultSchedule}), waits
 * until every article is in the sink file (or dead-lettered), lets the sink catch up with the enriched topic, stops
 * everything cleanly and reads the result. The whole run has a deadline ({@code --deadline}): past it, the run
 * gives up with a message saying where it stood instead of waiting on.
 */
final class ChaosRun {

    /**
     * What one run produced. {@code completed}: every input id reached the sink or the DLQ before the stall timeout
     * and the deadline. {@code kills} and {@code brokerRestarts} count what happened; {@code notFired} describes each
     * planned fault that did not happen, with the reason.
     */
    record Result(String label, boolean completed, long published, int kills, int brokerRestarts,
                  int unexpectedExits, int republishedChunks, SinkOutput.Snapshot sink, TopicStats enriched, long dlq,
                  Duration took, List<String> notFired, List<String> problems) {
    }

    /** The run's deadline passed. */
    static final class DeadlineExceeded extends Exception {
        DeadlineExceeded(String message) {
            super(message);
        }
    }

    private final String label;
    private final Pipeline pipeline;
    private final List<Path> chunks;
    private final Set<String> ids;
    private final FaultSchedule schedule;
    private final ChaosOptions options;
    private final PrintStream out;
    private final SinkOutput.Tail tail;
    private final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
    private final long started = System.nanoTime();
    private final long deadline;
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
    private final ReentrantLock services = new ReentrantLock();
    private Thread monkey;

    ChaosRun(String label, Path dir, JvmLauncher jvm, List<Path> chunks, Set<String> ids, ChaosPlan plan,
             ChaosOptions options, PrintStream out) throws IOException {
        this.label = label;
        this.pipeline = new Pipeline(label, dir, jvm);
        this.chunks = chunks;
        this.ids = ids;
        this.schedule = new FaultSchedule(plan.faults(), ids.size(), Math.max(5, ids.size() / 100));
        this.options = options;
        this.out = out;
        this.tail = new SinkOutput.Tail(pipeline.sinkFile());
        this.deadline = started + options.deadline().toNanos();
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
                    awaitFaultsWithinReach();
                }
            }
            say("all chunks published (" + published + " articles); waiting for the sink");
            completed = awaitAllInSink();
            if (completed) {
                enriched = awaitSinkCaughtUp();
                dlq = TopicStats.read(pipeline.bootstrap(), Topics.DLQ, Duration.ofSeconds(30)).records();
            }
        } catch (DeadlineExceeded e) {
            completed = false;
            problems.add(label + ": " + e.getMessage());
            say("GIVING UP: " + e.getMessage());
        } catch (Exception e) {
            completed = false;
            problems.add(label + ": " + e);
            say("FAILED: " + e);
        } finally {
            schedule.close(completed ? "the run was over" : "the run failed or gave up first");
            if (monkey != null) {
                monkey.interrupt();
                monkey.join(60_000);
                if (monkey.isAlive()) {
                    problems.add(label + ": the fault thread was still applying a fault 60 s after the run ended");
                }
            }
            say("stopping processor, sink and broker");
            pipeline.close();
        }
        SinkOutput.Snapshot snapshot = SinkOutput.read(pipeline.sinkFile());
        if (snapshot.fileLength() != snapshot.checkpointLength()) {
            problems.add(label + ": after a clean stop the sink file is " + snapshot.fileLength()
                    + " bytes but its checkpoint says " + snapshot.checkpointLength());
        }
        schedule.notFired().forEach(f -> say("NOT FIRED: " + f));
        return new Result(label, completed, published, kills, brokerRestarts, unexpectedExits, republished, snapshot,
                enriched, dlq, Duration.ofNanos(System.nanoTime() - started), schedule.notFired(),
                List.copyOf(problems));
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

    /**
     * Holds the next chunk back while a fault is being applied or the next one is due within what has been published
     * (what the sink can reach: published minus dead-lettered), so that faults land before the input runs out.
     */
    private void awaitFaultsWithinReach() throws Exception {
        if (schedule.holdsPublishing(published - dlq)) {
            say("holding the next chunk until the faults due within the " + published
                    + " published articles have been applied");
        }
        long until = System.nanoTime() + options.stallTimeout().toNanos();
        while (schedule.holdsPublishing(published - dlq)) {
            if (System.nanoTime() > until) {
                problems.add(label + ": the next fault (due at " + schedule.nextTrigger() + " in the sink) did not fire in "
                        + options.stallTimeout().toSeconds() + " s; publishing the next chunk anyway");
                return;
            }
            pause(50);
        }
    }

    /** Applies the plan's faults as the schedule makes them due, until it has none left. */
    private void monkey() {
        try {
            while (!schedule.finished()) {
                if (System.nanoTime() > deadline) {
                    schedule.close("the run's deadline passed");
                    return;
                }
                tail.poll();
                Optional<Fault> due = schedule.take(tail.distinctIds());
                if (due.isEmpty()) {
                    Thread.sleep(20);
                    continue;
                }
                Fault f = due.get();
                try {
                    Thread.sleep(f.jitterMs());
                    services.lockInterruptibly();
                    try {
                        apply(f);
                    } finally {
                        services.unlock();
                    }
                } finally {
                    schedule.applied();
                }
            }
        } catch (InterruptedException e) {
            schedule.close("the run ended while it waited");
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            schedule.close("fault injection failed before it (" + e + ")");
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
                if (f.target() == Target.SINK) {
                    restartSink();
                } else {
                    victim.start();
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
            if (done >= ids.size()) {
                // nothing can land while articles flow any more: faults still waiting will not fire
                schedule.close(String.format("all %d articles were in the sink file (%d) or dead-lettered (%d) first",
                        ids.size(), inSink, dlq));
                if (!monkey.isAlive()) {
                    say(String.format("all %d articles accounted for: %d in the sink, %d dead-lettered", ids.size(), inSink, dlq));
                    return true;
                }
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

    /**
     * Restarts a service that died without being killed (unless a fault is being applied just now: then next time),
     * prints progress now and then, and gives up once the run's deadline has passed.
     */
    private void housekeeping() throws Exception {
        if (System.nanoTime() > deadline) {
            tail.poll();
            String pending = schedule.finished() ? "" : "; next fault due at " + schedule.nextTrigger() + " in the sink";
            throw new DeadlineExceeded(String.format("the run's deadline of %d s passed: published=%d/%d in_sink=%d "
                            + "dlq=%d kills=%d broker_restarts=%d%s", options.deadline().toSeconds(), published,
                    ids.size(), tail.distinctIds(), dlq, kills, brokerRestarts, pending));
        }
        if (services.tryLock()) {
            try {
                restartCrashed();
            } finally {
                services.unlock();
            }
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
                } else if (c == pipeline.sink()) {
                    restartSink();
                } else {
                    c.start();
                }
            }
        }
    }

    /**
     * Starts the sink again and follows its file from the start once it has cut the file back to its checkpoint (it
     * says "sink: writing" after that): resetting earlier could count lines that the cut then drops.
     */
    private void restartSink() throws Exception {
        pipeline.sink().start();
        if (pipeline.sink().awaitLog("sink: writing ", Duration.ofSeconds(60)) == null) {
            say("WARNING the restarted sink did not report that it is writing within 60 s");
        }
        tail.reset();
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
