package io.newsflow.launcher;

import io.newsflow.common.Args;
import io.newsflow.dedup.DedupSettings;
import io.newsflow.embedded.EmbeddedKafkaBroker;
import io.newsflow.launcher.bench.BenchData;
import io.newsflow.launcher.bench.BenchReport;
import io.newsflow.launcher.bench.BenchReport.Summary;
import io.newsflow.launcher.bench.BenchRun;
import io.newsflow.launcher.bench.BenchRun.Mode;
import io.newsflow.launcher.bench.BenchRun.Result;
import io.newsflow.model.Article;
import io.newsflow.model.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./newsflow bench}: end-to-end throughput and latency of the full pipeline against a pass-through Kafka
 * Streams baseline with the same topics, partitions, Streams properties (exactly_once_v2), sink and data, run
 * alternately A B A B in one JVM on one broker. See docs/PERFORMANCE.md for the method.
 */
final class BenchCommand {
    static final String USAGE = """
            usage: ./newsflow bench [--articles N] [--corpus FILE.jsonl|DIR|none ...] [--dup-rate R] [--partitions P] [--owner-groups G]
                                    [--threads T] [--bootstrap-servers HOST:PORT [--reset-topics]] [--pairs K]
                                    [--warmup N] [--rate ARTICLES_PER_S] [--seed S] [--out FILE.json] [--ladder]
              defaults: --articles 20000 --dup-rate 0.3 --partitions 3 --owner-groups 1 --threads 1 --pairs 2 --warmup 2000 --rate 0
              (0 = publish as fast as the producer can) --seed 42 --out out/bench/bench.json (chart: same name .svg);
              --corpus defaults to $NEWSFLOW_CORPORA, else /work/shared/corpora when present; seeds are always used.
              --warmup N: articles per warm-up round (pipeline, then baseline; not counted); rounds repeat, up to 4,
              until the JIT compiles for under 5 % of a round; 0 skips the warm-up.
              --ladder: every pair also runs three rungs between the two, each with its ratio to the baseline:
                json (parse, write the enriched event, no dedup or classification), json-one-hop (the same through
                one repartition topic: the least stream-wide dedup needs), pipeline-no-views (no dashboard views).
            """;

    private BenchCommand() {
    }

    /**
     * The corpora {@code --corpus} names ("none": seeds only), each of which must exist; without the option
     * $NEWSFLOW_CORPORA, else /work/shared/corpora, used only when present.
     */
    static List<Path> corpora(Args args) {
        List<Path> corpora = new ArrayList<>();
        List<String> given = args.all("corpus");
        if (given.isEmpty()) {
            String env = System.getenv("NEWSFLOW_CORPORA");
            corpora.add(Path.of(env != null ? env : "/work/shared/corpora"));
            return corpora;
        }
        given.stream().filter(c -> !c.equals("none")).map(Path::of).forEach(corpora::add);
        for (Path c : corpora) {
            if (!Files.exists(c)) {
                throw new IllegalArgumentException("--corpus " + c + " does not exist");
            }
        }
        return corpora;
    }

    static int run(String[] argv) throws Exception {
        Args args = Args.parse(argv, Set.of("articles", "corpus", "dup-rate", "partitions", "owner-groups", "threads",
                "bootstrap-servers", "pairs", "warmup", "rate", "seed", "out"), Set.of("reset-topics", "help", "ladder"));
        if (args.has("help")) {
            System.out.print(USAGE);
            return 0;
        }
        int articles = args.getInt("articles", 20_000);
        double dupRate = args.getDouble("dup-rate", 0.3);
        int partitions = args.getInt("partitions", 3);
        int threads = args.getInt("threads", 1);
        int ownerGroups = args.getInt("owner-groups", DedupSettings.DEFAULT_OWNER_GROUPS);
        int pairs = args.getInt("pairs", 2);
        int warmup = args.getInt("warmup", 2_000);
        List<Mode> modes = args.has("ladder")
                ? List.of(Mode.PIPELINE, Mode.BASELINE, Mode.JSON, Mode.JSON_ONE_HOP, Mode.PIPELINE_NO_VIEWS)
                : List.of(Mode.PIPELINE, Mode.BASELINE);
        double rate = args.getDouble("rate", 0);
        long seed = Long.parseLong(args.get("seed", "42"));
        Path out = Path.of(args.get("out", "out/bench/bench.json"));
        Path svg = Path.of(out.toString().replaceFirst("\\.json$", "") + ".svg");
        if (articles < 1 || articles > 9_999_999 || partitions < 1 || ownerGroups < 1 || threads < 1 || pairs < 1
                || warmup < 0
                || dupRate < 0 || dupRate >= 1 || rate < 0) {
            throw new IllegalArgumentException("out of range: need 1 <= articles <= 9999999, partitions, owner-groups, threads, "
                    + "pairs >= 1, warmup >= 0, 0 <= dup-rate < 1, rate >= 0\n" + USAGE);
        }
        DedupSettings.requireNewLayoutCount(ownerGroups); // every run creates its dedup state anew

        List<Path> corpora = corpora(args);
        String home = System.getenv("NEWSFLOW_HOME");
        Path seeds = home == null ? Path.of("seeds") : Path.of(home, "seeds");
        List<Article> sources = BenchData.loadSources(corpora, seeds);
        BenchData data = new BenchData(sources, seed, dupRate);
        System.out.printf("bench: %d source articles (%s + seeds), %d articles per run, dup rate %.2f, seed %d, "
                        + "%d partitions, %d owner group(s), %d stream thread(s), %d pairs A B (+ warm-up %d), rate %s%n",
                sources.size(), corpora, articles, dupRate, seed, partitions, ownerGroups, threads, pairs, warmup,
                rate > 0 ? rate + " articles/s" : "unthrottled");

        Path work = Files.createTempDirectory(Files.createDirectories(Path.of("state")), "bench-");
        EmbeddedKafkaBroker broker = null;
        Admin admin = null;
        String finalLine;
        try {
            String bootstrap = args.get("bootstrap-servers", null);
            if (bootstrap == null) {
                System.out.println("bench: starting a single-node Kafka broker in-process...");
                broker = EmbeddedKafkaBroker.start(work.resolve("broker"));
                bootstrap = broker.bootstrapServers();
            }
            Properties ap = new Properties();
            ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            ap.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
            admin = Admin.create(ap);
            if (broker == null && !args.has("reset-topics")) {
                Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                for (String t : List.of(Topics.ARTICLES, Topics.ENRICHED, Topics.DLQ)) {
                    if (existing.contains(t)) {
                        System.err.println("bench: topic " + t + " exists on " + bootstrap + "; bench deletes and "
                                + "recreates " + Topics.ARTICLES + ", " + Topics.ENRICHED + " and " + Topics.DLQ
                                + " for every run. Pass --reset-topics to allow that.");
                        return 2;
                    }
                }
            }
            BenchRun.Setup setup = new BenchRun.Setup(bootstrap, admin, data, articles, partitions, ownerGroups, threads, rate,
                    work, System.out);
            if (warmup > 0) {
                BenchRun.Setup w = new BenchRun.Setup(bootstrap, admin, data, Math.min(warmup, articles), partitions, ownerGroups,
                        threads, rate, work, System.out);
                // A cold JVM spends more CPU compiling than processing (C2 took 0.56 of 2 cores in a measured 5k run
                // after one warm-up round). Warm-up rounds repeat until the JIT compiles for under 5 % of a round.
                for (int round = 1; round <= MAX_WARMUP_ROUNDS; round++) {
                    long jitBefore = jitMillis();
                    long t0 = System.nanoTime();
                    StringBuilder rates = new StringBuilder();
                    for (Mode m : modes) {
                        Result r = BenchRun.run(w, m, "warmup-" + m.label, false);
                        rates.append(String.format(Locale.ROOT, " %s %.0f articles/s", m.label, r.articlesPerSec()));
                    }
                    double wallMs = (System.nanoTime() - t0) / 1e6;
                    long jit = jitMillis() - jitBefore;
                    System.out.printf(Locale.ROOT, "bench: warm-up round %d done (not counted):%s; JIT compiled %.1f s "
                            + "(%.0f %% of the round)%n", round, rates, jit / 1000.0, 100 * jit / wallMs);
                    if (jit < 0.05 * wallMs) {
                        break;
                    }
                }
            }
            List<Result> runs = new ArrayList<>();
            for (int p = 1; p <= pairs; p++) {
                for (Mode m : modes) {
                    String label = (char) ('A' + m.ordinal()) + "" + p + "-" + m.label;
                    long jitBefore = jitMillis();
                    Result r = BenchRun.run(setup, m, label, false);
                    long jit = jitMillis() - jitBefore;
                    runs.add(r);
                    System.out.printf(Locale.ROOT, "bench: [%s] %d articles in %.1f s: %.1f articles/s, %.0f "
                                    + "paragraphs/s, latency p50/p95/p99 %.0f/%.0f/%.0f ms, heap after GC %s, RSS %s, "
                                    + "state %s, CPU per article %.2f ms in stream threads %.2f ms whole JVM, sink lines %d (paragraphs in "
                                    + "%d, kept %d, removed exact %d near %d), JIT compiled %.1f s%n",
                            label, r.articles(), r.seconds(), r.articlesPerSec(), r.paragraphsPerSec(),
                            r.percentile(50), r.percentile(95), r.percentile(99), mb(r.heapUsedAfterGc()),
                            mb(r.rssBytes()), mb(r.stateBytes()), r.streamCpuMsPerArticle(),
                            r.processCpuMsPerArticle(), r.sink().lines(), r.sink().paragraphsIn(),
                            r.sink().paragraphsKept(), r.sink().removedExact(), r.sink().removedNear(), jit / 1000.0);
                }
            }
            Summary pipe = Summary.of(Mode.PIPELINE, runs.stream().filter(r -> r.mode() == Mode.PIPELINE).toList());
            Summary base = Summary.of(Mode.BASELINE, runs.stream().filter(r -> r.mode() == Mode.BASELINE).toList());

            Map<String, Object> setupInfo = new LinkedHashMap<>();
            setupInfo.put("articles", articles);
            setupInfo.put("dup_rate", dupRate);
            setupInfo.put("seed", seed);
            setupInfo.put("partitions", partitions);
            setupInfo.put("stream_threads", threads);
            setupInfo.put("pairs", pairs);
            setupInfo.put("warmup_articles", warmup);
            setupInfo.put("publish_rate", rate);
            setupInfo.put("source_articles", sources.size());
            setupInfo.put("corpora", corpora.stream().filter(Files::exists).map(Path::toString).toList());
            setupInfo.put("broker", broker != null ? "embedded" : bootstrap);
            setupInfo.put("processing_guarantee", "exactly_once_v2");
            setupInfo.put("nproc", Runtime.getRuntime().availableProcessors());
            setupInfo.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
            setupInfo.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
            setupInfo.put("jvm_args", ManagementFactory.getRuntimeMXBean().getInputArguments());
            setupInfo.put("latency", "publish() call (System.nanoTime) to the sink file line being visible on disk "
                    + "(sink appends+fsyncs the batch; a tailer polls every 1 ms)");
            List<Summary> ladder = modes.stream().filter(m -> m != Mode.PIPELINE && m != Mode.BASELINE)
                    .map(m -> Summary.of(m, runs.stream().filter(r -> r.mode() == m).toList())).toList();
            BenchReport.writeJson(out, setupInfo, runs, pipe, base, ladder);
            List<Result> headline = runs.stream().filter(r -> r.mode() == Mode.PIPELINE || r.mode() == Mode.BASELINE)
                    .toList();
            BenchReport.writeSvg(svg, String.format(Locale.ROOT, "%d articles/run, dup rate %.2f, %d partitions, "
                            + "%d stream thread(s), exactly_once_v2, %d pairs A B, %d cores", articles, dupRate, partitions,
                    threads, pairs, Runtime.getRuntime().availableProcessors()), headline, pipe, base);

            System.out.println();
            String fmt = "%-22s %12s %12s %10s %10s %10s %10s %10s%n";
            System.out.printf(fmt, "", "articles/s", "paras/s", "p50 ms", "p95 ms", "p99 ms", "heap MB", "state MB");
            for (Summary s : List.of(pipe, base)) {
                System.out.printf(Locale.ROOT, fmt, s.mode() == Mode.PIPELINE ? "pipeline" : "pass-through baseline",
                        String.format(Locale.ROOT, "%.1f", s.articlesPerSec()),
                        String.format(Locale.ROOT, "%.0f", s.paragraphsPerSec()),
                        String.format(Locale.ROOT, "%.0f", s.p50()), String.format(Locale.ROOT, "%.0f", s.p95()),
                        String.format(Locale.ROOT, "%.0f", s.p99()), mb(s.heapAfterGcMax()), mb(s.stateBytesMax()));
            }
            System.out.printf(Locale.ROOT, "ratio pipeline/baseline: throughput %.3f, p50 %.2f, p99 %.2f%n",
                    pipe.articlesPerSec() / base.articlesPerSec(), pipe.p50() / base.p50(), pipe.p99() / base.p99());
            System.out.printf(Locale.ROOT, "CPU per article: stream threads %.2f ms pipeline vs %.2f ms baseline, whole JVM "
                            + "%.2f ms vs %.2f ms%n", meanCpu(runs, Mode.PIPELINE, true), meanCpu(runs, Mode.BASELINE, true),
                    meanCpu(runs, Mode.PIPELINE, false), meanCpu(runs, Mode.BASELINE, false));
            if (!ladder.isEmpty()) {
                System.out.println();
                System.out.println("ladder (what each part costs on top of the pass-through; CPU per article, means of the runs):");
                String lf = "%-20s %10s %8s %12s %12s %10s  %s%n";
                System.out.printf(lf, "", "articles/s", "ratio", "stream CPU", "JVM CPU", "p99 ms", "");
                for (Mode m : modes) {
                    Summary sm = Summary.of(m, runs.stream().filter(r -> r.mode() == m).toList());
                    System.out.printf(Locale.ROOT, lf, m.label, String.format(Locale.ROOT, "%.1f", sm.articlesPerSec()),
                            String.format(Locale.ROOT, "%.3f", sm.articlesPerSec() / base.articlesPerSec()),
                            String.format(Locale.ROOT, "%.2f ms", meanCpu(runs, m, true)),
                            String.format(Locale.ROOT, "%.2f ms", meanCpu(runs, m, false)),
                            String.format(Locale.ROOT, "%.0f", sm.p99()), m.description);
                }
            }
            System.out.println("bench: wrote " + out + " and " + svg);
            finalLine = String.format(Locale.ROOT,
                    "bench: articles=%d pipeline_aps=%.1f baseline_aps=%.1f throughput_ratio=%.3f p99_ms=%.1f baseline_p99_ms=%.1f",
                    articles, pipe.articlesPerSec(), base.articlesPerSec(), pipe.articlesPerSec() / base.articlesPerSec(),
                    pipe.p99(), base.p99());
        } finally {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
            if (broker != null) {
                broker.close();
            }
            BenchRunAccess.deleteRecursively(work);
        }
        System.out.flush();
        System.out.println(finalLine);
        System.out.flush();
        return 0;
    }

    /** Warm-up rounds at most, however busy the JIT still is. */
    private static final int MAX_WARMUP_ROUNDS = 4;

    /** Time this JVM's JIT compilers have spent so far (ms), or 0 where the JVM does not say. */
    private static long jitMillis() {
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }

    /** Recursive delete for the bench's scratch directory. */
    private static final class BenchRunAccess {
        static void deleteRecursively(Path dir) throws java.io.IOException {
            if (!Files.exists(dir)) {
                return;
            }
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static double meanCpu(List<Result> runs, Mode mode, boolean streamThreads) {
        return runs.stream().filter(r -> r.mode() == mode)
                .mapToDouble(r -> streamThreads ? r.streamCpuMsPerArticle() : r.processCpuMsPerArticle())
                .average().orElse(Double.NaN);
    }
}
