package io.newsflow.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.newsflow.dedup.ArticleText;
import io.newsflow.dedup.DedupSettings;
import io.newsflow.model.Article;
import io.newsflow.classify.ThemeClassifier;
import io.newsflow.common.TopicAdmin;
import io.newsflow.model.EnrichedArticle;
import io.newsflow.model.JsonSerde;
import io.newsflow.model.KeptParagraph;
import io.newsflow.model.NewsflowSerdes;
import io.newsflow.processor.NewsflowTopology;
import io.newsflow.model.Topics;
import io.newsflow.processor.ProcessorConfig;
import io.newsflow.processor.StreamsProcessorApp;
import io.newsflow.producer.ArticlePublisher;
import io.newsflow.sink.EnrichedArticleSink;
import io.newsflow.sink.JsonlFileSink;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.Produced;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One measured run: fresh topics, a fresh application id, then publish N articles and wait until the sink file
 * holds all of them. PIPELINE runs the real newsflow topology ({@link StreamsProcessorApp}); BASELINE runs a
 * pass-through topology (articles → articles-enriched, bytes unchanged) with the very same Streams properties
 * ({@link ProcessorConfig#streamsProperties()}, exactly_once_v2 included). Both feed the same sink
 * ({@link EnrichedArticleSink} + {@link JsonlFileSink}).
 */
public final class BenchRun {
    /**
     * What a run runs. PIPELINE and BASELINE are the headline pair; the others are the rungs of {@code --ladder},
     * which say what each part of the pipeline's work costs on top of the pass-through.
     */
    public enum Mode {
        PIPELINE("pipeline", "the full pipeline"),
        BASELINE("baseline", "pass-through: the article's bytes unchanged"),
        JSON("json", "parse the article, write it as an enriched event (all paragraphs kept, no themes)"),
        JSON_ONE_HOP("json-one-hop", "as json, through one repartition topic first: the least any stream-wide "
                + "dedup needs (a paragraph's keys must reach their owner)"),
        PIPELINE_NO_VIEWS("pipeline-no-views", "the full pipeline without the dashboard views");

        public final String label;
        public final String description;

        Mode(String label, String description) {
            this.label = label;
            this.description = description;
        }
    }

    /** How the runs are configured; the same for every run of one invocation. */
    public record Setup(String bootstrap, Admin admin, BenchData data, int articles, int partitions, int ownerGroups,
                        int threads, double rate, Path workDir, PrintStream progress) {
    }

    /** Output-side counts read back from the sink file after the run (outside the measured window). */
    public record SinkStats(long lines, long paragraphsIn, long paragraphsKept, long removedExact, long removedNear) {
    }

    /** Everything measured in one run. Latencies are in ms, sorted. */
    public record Result(String label, Mode mode, int articles, long paragraphs, double seconds, double articlesPerSec,
                         double paragraphsPerSec, double[] latencyMsSorted, long heapUsedAfterGc, long rssBytes,
                         long stateBytes, double streamCpuMsPerArticle, double processCpuMsPerArticle,
                         List<double[]> timeline, SinkStats sink) {
        public double percentile(double p) {
            return BenchRun.percentile(latencyMsSorted, p);
        }
    }

    private static final Duration STALL = Duration.ofMinutes(2);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);

    private BenchRun() {
    }

    public static Result run(Setup s, Mode mode, String label, boolean quiet) throws Exception {
        String appId = "newsflow-bench-" + label + "-" + Long.toHexString(System.nanoTime() & 0xFFFFFFL);
        resetTopics(s.admin(), s.partitions());
        Path stateDir = s.workDir().resolve("state");
        Path sinkFile = s.workDir().resolve("sink-" + label + ".jsonl");
        Files.deleteIfExists(sinkFile);
        Files.deleteIfExists(Path.of(sinkFile + ".checkpoint"));
        ProcessorConfig config = new ProcessorConfig(s.bootstrap(), appId, stateDir, s.threads(),
                new DedupSettings(DedupSettings.DEFAULT_NEAR_THRESHOLD, DedupSettings.DEFAULT_RETENTION, s.ownerGroups()), null);

        int n = s.articles();
        long[] publishNanos = new long[n];
        long[] latencyNanos = new long[n];
        StreamsProcessorApp pipeline = null;
        KafkaStreams other = null; // every mode but PIPELINE
        EnrichedArticleSink sink = null;
        Thread sinkThread = null;
        SinkTailer tailer = new SinkTailer(sinkFile, publishNanos, latencyNanos);
        Thread tailerThread = new Thread(tailer, "bench-tailer");
        Thread publisherThread = null;
        AtomicReference<Throwable> publishError = new AtomicReference<>();
        AtomicLong published = new AtomicLong();
        AtomicLong paragraphs = new AtomicLong();
        try {
            if (mode == Mode.PIPELINE) {
                pipeline = StreamsProcessorApp.start(config, s.partitions(), false);
            } else {
                other = new KafkaStreams(topology(mode, s.bootstrap(), s.partitions(), s.ownerGroups()),
                        config.streamsProperties());
                other.start();
            }
            sink = new EnrichedArticleSink(s.bootstrap(), new JsonlFileSink(sinkFile));
            sinkThread = new Thread(sink, "bench-sink");
            sinkThread.start();
            tailerThread.start();
            if (!StreamsProcessorApp.awaitRunning(pipeline != null ? pipeline.streams() : other, Duration.ofSeconds(90))) {
                throw new IllegalStateException(label + ": Kafka Streams did not reach RUNNING within 90 s");
            }

            String streamThreads = appId + "-";
            long streamCpuStart = streamThreadCpuNanos(streamThreads);
            long processCpuStart = processCpuNanos();
            long start = System.nanoTime();
            publisherThread = new Thread(() -> {
                try (ArticlePublisher publisher = new ArticlePublisher(s.bootstrap(), Topics.ARTICLES,
                        p -> publishError.compareAndSet(null, new IllegalStateException(p)))) {
                    for (int i = 0; i < n; i++) {
                        Article a = s.data().article(i);
                        paragraphs.addAndGet(ArticleText.paragraphs(a).size());
                        if (s.rate() > 0) {
                            long due = start + (long) (i * 1e9 / s.rate());
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                TimeUnit.NANOSECONDS.sleep(wait);
                            }
                        }
                        publishNanos[i] = System.nanoTime();
                        publisher.publish(a);
                        published.set(i + 1);
                    }
                    publisher.flush();
                } catch (Throwable t) {
                    publishError.compareAndSet(null, t);
                }
            }, "bench-publisher");
            publisherThread.start();

            List<double[]> timeline = new ArrayList<>();
            long lastPrint = start;
            long lastSeen = -1;
            long lastChange = start;
            long rateFromT = start;
            long rateFromSeen = 0;
            while (tailer.seen() < n) {
                Thread.sleep(250);
                long now = System.nanoTime();
                long seen = tailer.seen();
                timeline.add(new double[] {(now - start) / 1e9, published.get(), seen});
                if (publishError.get() != null) {
                    throw new IllegalStateException(label + ": publishing failed: " + publishError.get().getMessage(),
                            publishError.get());
                }
                if (seen != lastSeen) {
                    lastSeen = seen;
                    lastChange = now;
                } else if (now - lastChange > STALL.toNanos()) {
                    throw new IllegalStateException(String.format("%s: no progress for %d s at %d/%d in the sink "
                            + "(dead-lettered: %d)", label, STALL.toSeconds(), seen, n, dlqCount(s.admin())));
                }
                if (!quiet && now - lastPrint >= PROGRESS_EVERY.toNanos()) {
                    double rate = (seen - rateFromSeen) / ((now - rateFromT) / 1e9);
                    String eta = rate > 0 ? String.format("%.0fs", (n - seen) / rate) : "?";
                    s.progress().printf("bench: [%s] published %d/%d processed %d/%d rate %.0f articles/s ETA %s%n",
                            label, published.get(), n, seen, n, rate, eta);
                    lastPrint = now;
                    rateFromT = now;
                    rateFromSeen = seen;
                }
            }
            long end = tailer.lastSeenNanos();
            timeline.add(new double[] {(end - start) / 1e9, n, n});
            double seconds = (end - start) / 1e9;
            // CPU time is less noisy than wall time on a shared 2-core machine: it says what each article costs.
            double streamCpuMs = (streamThreadCpuNanos(streamThreads) - streamCpuStart) / 1e6 / n;
            double processCpuMs = (processCpuNanos() - processCpuStart) / 1e6 / n;
            publisherThread.join();

            long heap = heapAfterGc();
            long rss = rssBytes();
            if (pipeline != null) {
                pipeline.close();
                pipeline = null;
            } else {
                other.close(Duration.ofSeconds(15));
                other = null;
            }
            long state = directorySize(stateDir.resolve(appId));

            double[] lat = new double[n];
            for (int i = 0; i < n; i++) {
                lat[i] = latencyNanos[i] / 1e6;
            }
            Arrays.sort(lat);
            sink.stop();
            sinkThread.join(10_000);
            sink.close();
            sink = null;
            tailer.stop();
            tailerThread.join(10_000);
            SinkStats stats = sinkStats(sinkFile);
            return new Result(label, mode, n, paragraphs.get(), seconds, n / seconds, paragraphs.get() / seconds, lat,
                    heap, rss, state, streamCpuMs, processCpuMs, timeline, stats);
        } finally {
            if (publisherThread != null) {
                publisherThread.interrupt();
                publisherThread.join(10_000);
            }
            if (pipeline != null) {
                pipeline.close();
            }
            if (other != null) {
                other.close(Duration.ofSeconds(15));
            }
            if (sink != null) {
                sink.stop();
                sinkThread.join(10_000);
                sink.close();
            }
            tailer.stop();
            tailerThread.join(10_000);
            deleteRecursively(stateDir.resolve(appId));
            Files.deleteIfExists(sinkFile);
            Files.deleteIfExists(Path.of(sinkFile + ".checkpoint"));
            deleteTopics(s.admin(), internalTopics(s.admin(), appId));
        }
    }

    /** The topology of every mode but PIPELINE (which {@link StreamsProcessorApp} starts with its topics). */
    static Topology topology(Mode mode, String bootstrap, int partitions, int ownerGroups) {
        return switch (mode) {
            case BASELINE -> passThrough();
            case JSON -> jsonPassThrough(0);
            case JSON_ONE_HOP -> jsonPassThrough(partitions);
            case PIPELINE_NO_VIEWS -> {
                ThemeClassifier classifier = ThemeClassifier.defaults();
                try (TopicAdmin admin = new TopicAdmin(bootstrap)) {
                    Map<String, Integer> themeTopics = new HashMap<>();
                    classifier.themeCodes().forEach(t -> themeTopics.put(Topics.themeTopic(Topics.THEME_TOPIC_PREFIX, t),
                            partitions));
                    admin.ensureTopics(themeTopics);
                }
                yield NewsflowTopology.build(new DedupSettings(DedupSettings.DEFAULT_NEAR_THRESHOLD,
                        DedupSettings.DEFAULT_RETENTION, ownerGroups), partitions, classifier, Topics.THEME_TOPIC_PREFIX,
                        false);
            }
            case PIPELINE -> throw new IllegalArgumentException("PIPELINE runs through StreamsProcessorApp");
        };
    }

    /**
     * Parse each article, optionally send it through a repartition topic of {@code hopPartitions} partitions, and write
     * it as an enriched event with every paragraph kept and no themes: the serde and hop cost without dedup or
     * classification.
     */
    static Topology jsonPassThrough(int hopPartitions) {
        StreamsBuilder b = new StreamsBuilder();
        KStream<String, Article> in = b.stream(Topics.ARTICLES,
                Consumed.with(Serdes.String(), NewsflowSerdes.article()).withName("read-articles"));
        if (hopPartitions > 0) {
            in = in.repartition(Repartitioned.<String, Article>as("bench-hop").withKeySerde(Serdes.String())
                    .withValueSerde(NewsflowSerdes.article()).withNumberOfPartitions(hopPartitions));
        }
        in.mapValues(BenchRun::unprocessed, Named.as("keep-everything"))
                .to(Topics.ENRICHED, Produced.with(Serdes.String(), NewsflowSerdes.enriched()).withName("write-enriched"));
        return b.build();
    }

    private static EnrichedArticle unprocessed(Article a) {
        List<String> paragraphs = ArticleText.paragraphs(a);
        List<KeptParagraph> kept = new ArrayList<>(paragraphs.size());
        for (int i = 0; i < paragraphs.size(); i++) {
            kept.add(new KeptParagraph(i, paragraphs.get(i), List.of()));
        }
        return new EnrichedArticle(EnrichedArticle.SCHEMA_VERSION, a.id(), a.title(), a.publishedAt(), a.url(),
                a.source(), List.of(), null, kept, List.of(), paragraphs.size(), paragraphs.size(),
                java.time.Instant.now().toString());
    }

    /** The baseline: read each article's bytes, write them unchanged. */
    static Topology passThrough() {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(Topics.ARTICLES, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("read-articles"))
                .to(Topics.ENRICHED, Produced.with(Serdes.String(), Serdes.ByteArray()).withName("write-unchanged"));
        return b.build();
    }

    // ------------------------------------------------------------------------------------------------ topics

    static final List<String> PIPELINE_TOPICS = List.of(Topics.ARTICLES, Topics.ENRICHED, Topics.DLQ);

    /** Deletes the pipeline's topics (if present), waits until they are gone, creates them with P partitions. */
    static void resetTopics(Admin admin, int partitions) throws Exception {
        deleteTopics(admin, PIPELINE_TOPICS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                admin.createTopics(PIPELINE_TOPICS.stream()
                        .map(t -> new NewTopic(t, Optional.of(partitions), Optional.empty())).toList())
                        .all().get(30, TimeUnit.SECONDS);
                break;
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                // TopicExistsException while a deletion completes: retry
                deleteTopics(admin, PIPELINE_TOPICS);
                Thread.sleep(200);
            }
        }
        while (System.nanoTime() < deadline) {
            try {
                Map<String, TopicDescription> d = admin.describeTopics(PIPELINE_TOPICS).allTopicNames()
                        .get(10, TimeUnit.SECONDS);
                boolean ready = d.values().stream().allMatch(td -> td.partitions().size() == partitions
                        && td.partitions().stream().map(TopicPartitionInfo::leader).allMatch(l -> l != null && !l.isEmpty()));
                if (ready) {
                    return;
                }
            } catch (ExecutionException e) {
                // not visible yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("topics " + PIPELINE_TOPICS + " have no leaders after 60 s");
    }

    static void deleteTopics(Admin admin, List<String> topics) throws Exception {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<String> present = topics.stream().filter(existing::contains).toList();
        if (present.isEmpty()) {
            return;
        }
        try {
            admin.deleteTopics(present).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                throw e;
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Set<String> now = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (present.stream().noneMatch(now::contains)) {
                return;
            }
            Thread.sleep(100);
        }
    }

    static List<String> internalTopics(Admin admin, String appId) throws Exception {
        return admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                .filter(t -> t.startsWith(appId + "-")).collect(Collectors.toList());
    }

    private static long dlqCount(Admin admin) {
        try {
            Map<TopicPartition, OffsetSpec> req = new HashMap<>();
            admin.describeTopics(List.of(Topics.DLQ)).allTopicNames().get(10, TimeUnit.SECONDS).get(Topics.DLQ)
                    .partitions().forEach(p -> req.put(new TopicPartition(Topics.DLQ, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(req).all().get(10, TimeUnit.SECONDS).values().stream()
                    .mapToLong(r -> r.offset()).sum();
        } catch (Exception e) {
            return -1;
        }
    }

    // ------------------------------------------------------------------------------------------------ measures

    /** CPU time used so far by the Kafka Streams threads whose names start with {@code prefix}. */
    static long streamThreadCpuNanos(String prefix) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix) && t.getName().contains("StreamThread")) {
                total += Math.max(0, mx.getThreadCpuTime(t.getId()));
            }
        }
        return total;
    }

    /** CPU time used so far by this whole JVM: broker, application, sink and publisher. */
    static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    static long heapAfterGc() {
        for (int k = 0; k < 3; k++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** VmRSS of this process from /proc/self/status, or -1 off Linux. */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return -1;
    }

    static long directorySize(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    private static SinkStats sinkStats(Path file) throws IOException {
        long lines = 0, in = 0, kept = 0, exact = 0, near = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                lines++;
                JsonNode node = JsonSerde.MAPPER.readTree(line);
                if (!node.has("paragraphsIn")) {
                    continue; // baseline: the article as published
                }
                in += node.path("paragraphsIn").asLong();
                kept += node.path("paragraphsKept").asLong();
                for (JsonNode removed : node.path("removedParagraphs")) {
                    if ("EXACT".equals(removed.path("kind").asText())) {
                        exact++;
                    } else {
                        near++;
                    }
                }
            }
        }
        return new SinkStats(lines, in, kept, exact, near);
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
