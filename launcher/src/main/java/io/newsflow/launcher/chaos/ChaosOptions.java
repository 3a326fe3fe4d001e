package io.newsflow.launcher.chaos;

import io.newsflow.common.Args;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/** Settings of {@code ./newsflow chaos}. */
public record ChaosOptions(int articles, int kills, int brokerRestarts, long seed, Path corpus, Path seeds,
                           Path workDir, int chunks, long chunkGapMs, int maxBacklog, Duration stallTimeout, boolean keep,
                           boolean sequential, long killAfterBrokerRestartMs, Duration deadline) {

    public static final String USAGE = """
            usage: ./newsflow chaos [--articles N] [--kills K] [--seed S] [options]

            Runs broker, processor, sink and producers as separate JVMs twice on the same input: once undisturbed,
            once while kill -9-ing processor and sink at seeded random moments and restarting the broker, then
            checks that the second run's sink file holds every article exactly once with the same content.

              --articles N          articles to publish (default 2000)
              --kills K             kill -9s of processor and sink, split between them (default 5)
              --seed S              seed of the fault plan (default 1)
              --broker-restarts B   clean broker stop + restart on the same log dir and port (default 1)
              --kill-after-broker-restart MS
                                    also kill -9 the processor MS ms after each broker restart is serving (a
                                    targeted reproduction of the hanging-transaction finding; counts as a kill;
                                    default: off)
              --corpus DIR|FILE     JSON Lines corpora (default: ../shared/corpora beside the repository);
                                    without one, articles are generated from --seeds
              --seeds DIR           seed pages for generated articles (default: <repository>/seeds)
              --chunks C            producer JVMs, one per chunk (default: N/200, 4 to 20)
              --chunk-gap-ms MS     pause between chunks (default 1500)
              --max-backlog A       publish the next chunk only once at most A published articles are not yet
                                    in the sink file (default: two chunks), so publishing lasts the whole run
              --stall-timeout S     give up after S seconds without progress (default 300)
              --deadline S          give up a run (baseline or chaos) S seconds after it started, saying where it
                                    stood (default 1800)
              --work-dir DIR        where brokers, state, sink files and logs go (default: state/chaos-<time>)
              --keep                keep the work dir even when the run passes
              --sequential          run the baseline first, then the chaos run (default: side by side,
                                    each on its own broker, ports and directories)

            The last line is: chaos: kills=K broker_restarts=B in=N enriched=E dlq=D lost=L duplicated=U
            Faults fire in plan order as the sink file fills; one that has not fired when every article is already in
            the sink is reported as not fired (kills=K counts only kills that happened).
            Exit status 0 when nothing was lost or duplicated and every requested fault happened.
            """;

    public static ChaosOptions parse(String[] argv) {
        Args a = Args.parse(argv, Set.of("articles", "kills", "seed", "broker-restarts", "corpus", "seeds", "chunks",
                "chunk-gap-ms", "max-backlog", "stall-timeout", "work-dir", "kill-after-broker-restart", "deadline"),
                Set.of("keep", "sequential"));
        int articles = a.getInt("articles", 2000);
        int kills = a.getInt("kills", 5);
        int restarts = a.getInt("broker-restarts", 1);
        if (articles < 1 || kills < 0 || restarts < 0) {
            throw new IllegalArgumentException("--articles must be at least 1, --kills and --broker-restarts at least 0");
        }
        int deadline = a.getInt("deadline", 1800);
        if (deadline < 1) {
            throw new IllegalArgumentException("--deadline must be at least 1 second");
        }
        long seed;
        try {
            seed = Long.parseLong(a.get("seed", "1"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed must be a whole number");
        }
        Path root = repositoryRoot();
        Path corpus = a.has("corpus") ? Path.of(a.get("corpus", null)) : root.resolve("../shared/corpora").normalize();
        Path seeds = Path.of(a.get("seeds", root.resolve("seeds").toString()));
        int chunks = a.getInt("chunks", Math.max(4, Math.min(20, articles / 200)));
        chunks = Math.max(1, Math.min(chunks, articles));
        Path work = Path.of(a.get("work-dir", "state/chaos-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
        return new ChaosOptions(articles, kills, restarts, seed, Files.exists(corpus) ? corpus : null, seeds,
                work.toAbsolutePath(), chunks, a.getInt("chunk-gap-ms", 1500),
                a.getInt("max-backlog", 2 * ((articles + chunks - 1) / chunks)),
                Duration.ofSeconds(a.getInt("stall-timeout", 300)), a.has("keep"),
                a.has("sequential"), a.getInt("kill-after-broker-restart", -1), Duration.ofSeconds(deadline));
    }

    /** NEWSFLOW_HOME (set by the script), else the nearest directory upwards holding {@code seeds/} and pom.xml. */
    static Path repositoryRoot() {
        String home = System.getenv("NEWSFLOW_HOME");
        if (home != null) {
            return Path.of(home).toAbsolutePath();
        }
        Path cwd = Path.of("").toAbsolutePath();
        for (Path p = cwd; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("seeds")) && Files.exists(p.resolve("pom.xml"))) {
                return p;
            }
        }
        return cwd;
    }
}
