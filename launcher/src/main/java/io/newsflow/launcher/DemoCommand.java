package io.newsflow.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.newsflow.common.Args;
import io.newsflow.dedup.DedupSettings;
import io.newsflow.embedded.EmbeddedKafkaBroker;
import io.newsflow.model.ArticleFiles;
import io.newsflow.model.JsonSerde;
import io.newsflow.processor.ProcessorConfig;
import io.newsflow.processor.StreamsProcessorApp;
import io.newsflow.producer.ArticlePublisher;
import io.newsflow.model.Topics;
import io.newsflow.sink.EnrichedArticleSink;
import io.newsflow.sink.EnrichedArticleWriter;
import io.newsflow.sink.JsonlFileSink;
import io.newsflow.sink.PostgresSink;
import io.newsflow.sink.SinkTargets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code ./newsflow demo}: a real broker (in-process unless {@code --bootstrap-servers} is given), the Kafka
 * Streams processor and the file sink, fed with the input; waits until every published article is either in the
 * sink file or in the dead-letter topic, prints a summary and shuts everything down. With {@code --serve} the
 * processor also serves the HTTP API and dashboard (port 8080 unless {@code --port}) from the start, and after the
 * summary everything keeps running until Ctrl-C.
 */
final class DemoCommand {
    private static final Duration STALL_TIMEOUT = Duration.ofMinutes(3);

    private DemoCommand() {
    }

    static int run(String[] argv) throws Exception {
        Args args = Args.parse(argv, Set.of("input", "out", "bootstrap-servers", "partitions", "themes",
                "near-threshold", "owner-groups", "threads", "sink", "jdbc-url", "jdbc-user", "jdbc-password", "port"), Set.of("serve"));
        boolean serve = args.has("serve");
        if (args.has("port") && !serve) {
            System.err.println("demo: --port only applies with --serve");
            return 2;
        }
        Path input = Path.of(args.get("input", defaultSeeds()));
        Path out = Path.of(args.get("out", "out/enriched-articles.jsonl"));
        int partitions = args.getInt("partitions", 3);
        if (!Files.exists(input)) {
            System.err.println("demo: input " + input + " does not exist");
            return 2;
        }
        long started = System.nanoTime();
        Path work = Files.createTempDirectory(Files.createDirectories(Path.of("state")), "demo-");
        boolean toFile = args.get("sink", "file").equals("file");
        if (toFile) { // a demo run starts a fresh file; the PostgreSQL table is upserted instead
            JsonlFileSink.deleteOutput(out);
        }

        EmbeddedKafkaBroker broker = null;
        StreamsProcessorApp processor = null;
        EnrichedArticleSink sink = null;
        EnrichedArticleWriter writer = null;
        DlqCounter dlq = null;
        Thread sinkThread = null;
        java.util.concurrent.CountDownLatch cleanedUp = new java.util.concurrent.CountDownLatch(1); // --serve: Ctrl-C waits for it
        try {
            String bootstrap = args.get("bootstrap-servers", null);
            if (bootstrap == null) {
                System.out.println("demo: starting a single-node Kafka broker in-process...");
                broker = EmbeddedKafkaBroker.start(work.resolve("broker"));
                bootstrap = broker.bootstrapServers();
            }
            System.out.println("demo: broker at " + bootstrap + "; starting processor and sink");
            ProcessorConfig config = new ProcessorConfig(bootstrap, ProcessorConfig.DEFAULT_APPLICATION_ID,
                    work.resolve("processor"), args.getInt("threads", 1),
                    new DedupSettings(args.getDouble("near-threshold", DedupSettings.DEFAULT_NEAR_THRESHOLD),
                            DedupSettings.DEFAULT_RETENTION, args.getInt("owner-groups", DedupSettings.DEFAULT_OWNER_GROUPS)),
                    args.has("themes") ? Path.of(args.get("themes", null)) : null);
            io.newsflow.http.HttpSettings http = serve
                    ? new io.newsflow.http.HttpSettings("localhost", args.getInt("port", io.newsflow.http.HttpSettings.DEFAULT_PORT))
                    : null;
            try {
                processor = StreamsProcessorApp.start(config, partitions, false, http);
            } catch (IllegalStateException e) {
                System.err.println("demo: " + e.getMessage() + (serve ? " (try --port N)" : ""));
                return 2;
            }
            if (serve) {
                System.out.println("demo: dashboard at http://localhost:" + processor.httpPort() + "/");
            }
            writer = toFile ? new JsonlFileSink(out) : new PostgresSink(
                    args.get("jdbc-url", SinkTargets.DEFAULT_JDBC_URL), args.get("jdbc-user", "postgres"),
                    args.get("jdbc-password", ""));
            sink = new EnrichedArticleSink(bootstrap, writer);
            sinkThread = new Thread(sink, "newsflow-sink");
            sinkThread.start();
            dlq = DlqCounter.start(bootstrap, Topics.DLQ);
            if (!processor.awaitRunning(Duration.ofSeconds(60))) {
                System.err.println("demo: the processor did not reach RUNNING within 60 s");
                return 1;
            }

            List<String> problems = new ArrayList<>();
            long skipped;
            try (ArticlePublisher publisher = new ArticlePublisher(bootstrap, Topics.ARTICLES, problems::add)) {
                long[] bad = {0};
                ArticleFiles.read(input, publisher::publish, p -> {
                    bad[0]++;
                    System.err.println("demo: skipped " + p);
                });
                publisher.flush();
                skipped = bad[0];
                problems.forEach(p -> System.err.println("demo: " + p));
                long published = publisher.sent();
                System.out.printf("demo: published %d articles from %s (%d failed, %d unreadable)%n",
                        published, input, publisher.failed(), skipped);
                if (!waitForAll(published, sink, dlq)) {
                    return 1;
                }
            }
            printSummary(writer.readBack(), writer.describe(), dlq.count(), Duration.ofNanos(System.nanoTime() - started));
            if (serve) {
                serveUntilCtrlC(processor.httpPort(), bootstrap, cleanedUp);
            }
            return 0;
        } finally {
            if (processor != null) {
                processor.close();
            }
            if (sink != null) {
                sink.stop();
                sinkThread.join(10_000);
                sink.close();
            }
            if (dlq != null) {
                dlq.close();
            }
            if (broker != null) {
                broker.close();
            }
            deleteRecursively(work);
            cleanedUp.countDown();
        }
    }

    /** Blocks until Ctrl-C (SIGINT/SIGTERM); the shutdown hook then waits for the caller's clean-up. */
    private static void serveUntilCtrlC(int port, String bootstrap, java.util.concurrent.CountDownLatch cleanedUp)
            throws InterruptedException {
        java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                cleanedUp.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "newsflow-demo-stop"));
        System.out.println();
        System.out.println("demo: serving the dashboard at http://localhost:" + port + "/ (Ctrl-C stops)");
        System.out.println("demo: publish more with: ./newsflow produce --bootstrap-servers " + bootstrap + " --input FILE");
        System.out.flush();
        stop.await();
        System.out.println("demo: stopping");
    }

    private static boolean waitForAll(long published, EnrichedArticleSink sink, DlqCounter dlq) throws InterruptedException {
        long start = System.nanoTime();
        long lastDone = -1;
        long lastChange = System.nanoTime();
        long lastPrint = 0;
        while (true) {
            long done = sink.linesWritten() + dlq.count();
            if (done >= published) {
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("demo: processed %d/%d (enriched %d, dead-lettered %d) in %.1f s, %.0f articles/s%n",
                        done, published, sink.linesWritten(), dlq.count(), seconds, done / seconds);
                return true;
            }
            long now = System.nanoTime();
            if (done != lastDone) {
                lastDone = done;
                lastChange = now;
            } else if (now - lastChange > STALL_TIMEOUT.toNanos()) {
                System.err.printf("demo: no progress for %d s at %d/%d; giving up%n", STALL_TIMEOUT.toSeconds(), done, published);
                return false;
            }
            if (now - lastPrint > 2_000_000_000L) {
                System.out.printf("demo: processed %d/%d (enriched %d, dead-lettered %d)%n", done, published,
                        sink.linesWritten(), dlq.count());
                lastPrint = now;
            }
            Thread.sleep(100);
        }
    }

    private static void printSummary(List<JsonNode> rows, String out, long dlqCount, Duration took) {
        System.out.println();
        String format = "%-26s %-20s %-62s %9s%n";
        System.out.printf(format, "ARTICLE", "PRIMARY THEME", "THEME SCORES", "PARAS IN/KEPT");
        int shown = 0;
        long paragraphsIn = 0;
        long exact = 0;
        long near = 0;
        for (JsonNode r : rows) {
            paragraphsIn += r.path("paragraphsIn").asLong();
            for (JsonNode removed : r.path("removedParagraphs")) {
                if (removed.path("kind").asText().equals("EXACT")) {
                    exact++;
                } else {
                    near++;
                }
            }
            if (shown++ < 25) {
                StringBuilder scores = new StringBuilder();
                for (JsonNode t : r.path("themes")) {
                    if (scores.length() > 0) {
                        scores.append(", ");
                    }
                    scores.append(t.path("theme").asText()).append(' ').append(String.format("%.2f", t.path("score").asDouble()));
                }
                System.out.printf(format, clip(r.path("id").asText(), 26),
                        r.path("primaryTheme").isNull() ? "-" : r.path("primaryTheme").asText(),
                        clip(scores.length() == 0 ? "-" : scores.toString(), 62),
                        r.path("paragraphsIn").asInt() + "/" + r.path("paragraphsKept").asInt());
            }
        }
        if (rows.size() > 25) {
            System.out.printf("... and %d more articles (see the sink file)%n", rows.size() - 25);
        }
        System.out.println();
        System.out.printf("demo: articles=%d dlq=%d paragraphs_in=%d removed=%d (exact=%d near=%d) out=%s took=%.1fs%n",
                rows.size(), dlqCount, paragraphsIn, exact + near, exact, near, out, took.toMillis() / 1000.0);
    }

    private static String clip(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "…";
    }

    private static String defaultSeeds() {
        String home = System.getenv("NEWSFLOW_HOME");
        return home == null ? "seeds" : Path.of(home, "seeds").toString();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
