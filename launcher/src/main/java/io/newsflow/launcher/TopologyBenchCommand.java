package io.newsflow.launcher;

import io.newsflow.classify.ThemeClassifier;
import io.newsflow.common.Args;
import io.newsflow.dedup.DedupSettings;
import io.newsflow.launcher.bench.BenchData;
import io.newsflow.model.Article;
import io.newsflow.model.EnrichedArticle;
import io.newsflow.model.NewsflowSerdes;
import io.newsflow.model.Topics;
import io.newsflow.processor.NewsflowTopology;
import io.newsflow.processor.ProcessorConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * {@code ./newsflow bench-topology}: the real topology driven through Kafka's {@code TopologyTestDriver} on the bench's
 * articles, with RocksDB stores and no broker, on one thread. It measures what our processors and stores cost per
 * article without the broker, the clients and the JIT of a shared JVM in the way, and prints a digest of everything
 * the topology wrote, so two versions of the code can be compared for speed and for identical output.
 */
final class TopologyBenchCommand {
    static final String USAGE = """
            usage: ./newsflow bench-topology [--articles N] [--rounds R] [--no-views] [--corpus FILE.jsonl|DIR|none ...]
                                             [--dup-rate R] [--seed S] [--owner-groups G]
              defaults: --articles 5000 --rounds 4 --dup-rate 0.3 --seed 42 --owner-groups 1; every round starts from empty state on the
              same articles; the first rounds warm the JIT up, so read the last ones. Prints one line per round:
              articles/s, CPU per article on the processing thread, removals, and a digest of the enriched output
              (equal digests: equal output, processedAt aside).
            """;

    /** As the demo and bench create {@code articles}; the driver itself has one partition per topic. */
    private static final int ARTICLE_PARTITIONS = 3;

    private TopologyBenchCommand() {
    }

    static int run(String[] argv) throws Exception {
        String home = System.getenv("NEWSFLOW_HOME");
        return run(argv, home == null ? Path.of("seeds") : Path.of(home, "seeds"), System.out);
    }

    static int run(String[] argv, Path seeds, PrintStream out) throws Exception {
        Args args = Args.parse(argv, Set.of("articles", "rounds", "corpus", "dup-rate", "seed", "owner-groups"), Set.of("no-views", "help"));
        if (args.has("help")) {
            out.print(USAGE);
            return 0;
        }
        int n = args.getInt("articles", 5_000);
        int rounds = args.getInt("rounds", 4);
        double dupRate = args.getDouble("dup-rate", 0.3);
        long seed = Long.parseLong(args.get("seed", "42"));
        boolean views = !args.has("no-views");
        int groups = args.getInt("owner-groups", DedupSettings.DEFAULT_OWNER_GROUPS);
        if (n < 1 || rounds < 1 || groups < 1 || dupRate < 0 || dupRate >= 1) {
            throw new IllegalArgumentException("out of range: need articles, rounds, owner-groups >= 1, 0 <= dup-rate < 1\n"
                    + USAGE);
        }
        DedupSettings.requireNewLayoutCount(groups);
        BenchData data = new BenchData(BenchData.loadSources(BenchCommand.corpora(args), seeds), seed, dupRate);
        List<Article> articles = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            articles.add(data.article(i));
        }
        ThemeClassifier classifier = ThemeClassifier.defaults();
        out.printf("bench-topology: %d articles, %s, %d rounds, one thread, RocksDB stores, no broker%n",
                n, views ? "with the dashboard views" : "without the dashboard views", rounds);
        for (int r = 1; r <= rounds; r++) {
            round(r, articles, classifier, views, groups, out);
        }
        return 0;
    }

    private static void round(int round, List<Article> articles, ThemeClassifier classifier, boolean views,
                              int groups, PrintStream out) throws Exception {
        Path state = Files.createTempDirectory("newsflow-bench-topology-");
        ProcessorConfig config = new ProcessorConfig("unused:9092", "bench-topology", state, 1,
                new DedupSettings(DedupSettings.DEFAULT_NEAR_THRESHOLD, DedupSettings.DEFAULT_RETENTION, groups), null);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long kept = 0;
        long exact = 0;
        long near = 0;
        long paragraphs = 0;
        // a fixed wall clock, so processedAt (and the digest) is the same in every round and version
        try (TopologyTestDriver driver = new TopologyTestDriver(
                NewsflowTopology.build(config.dedup(), ARTICLE_PARTITIONS, classifier, Topics.THEME_TOPIC_PREFIX, views),
                config.streamsProperties(), Instant.EPOCH)) {
            TestInputTopic<String, Article> in = driver.createInputTopic(Topics.ARTICLES, new StringSerializer(),
                    NewsflowSerdes.article().serializer());
            TestOutputTopic<String, byte[]> written = driver.createOutputTopic(Topics.ENRICHED, new StringDeserializer(),
                    new ByteArrayDeserializer());
            var enriched = NewsflowSerdes.enriched().deserializer();
            long cpuStart = cpu.getCurrentThreadCpuTime();
            long wallStart = System.nanoTime();
            for (int i = 0; i < articles.size(); i++) {
                Article a = articles.get(i);
                in.pipeInput(a.id(), a, Instant.ofEpochMilli(1_700_000_000_000L + i));
                for (var rec : written.readRecordsToList()) {
                    digest.update(rec.key().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    digest.update(rec.value());
                    EnrichedArticle e = enriched.deserialize(Topics.ENRICHED, rec.value());
                    paragraphs += e.paragraphsIn();
                    kept += e.paragraphsKept();
                    for (var removed : e.removedParagraphs()) {
                        if ("EXACT".equals(removed.kind())) {
                            exact++;
                        } else {
                            near++;
                        }
                    }
                }
            }
            double seconds = (System.nanoTime() - wallStart) / 1e9;
            double cpuMs = (cpu.getCurrentThreadCpuTime() - cpuStart) / 1e6 / articles.size();
            out.printf("bench-topology: round %d: %d articles in %.1f s: %.1f articles/s, CPU per article %.3f ms "
                            + "(paragraphs in %d, kept %d, removed exact %d near %d) output digest %s%n",
                    round, articles.size(), seconds, articles.size() / seconds, cpuMs, paragraphs, kept, exact, near,
                    HexFormat.of().formatHex(digest.digest()).substring(0, 16));
        } finally {
            deleteRecursively(state);
        }
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
