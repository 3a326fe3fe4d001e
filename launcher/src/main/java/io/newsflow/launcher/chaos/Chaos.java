package io.newsflow.launcher.chaos;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code ./newsflow chaos}: the same input through an undisturbed pipeline and through one whose processor and sink
 * are kill -9'd and whose broker is restarted, then a per-id comparison of the two sink files.
 */
public final class Chaos {

    /** The summary, always the last line printed: scripts read it. */
    public static final Pattern SUMMARY = Pattern.compile(
            "chaos: kills=(\\d+) broker_restarts=(\\d+) in=(\\d+) enriched=(\\d+) dlq=(\\d+) lost=(\\d+) duplicated=(\\d+)");

    private Chaos() {
    }

    /** The summary line's values. */
    public record Summary(int kills, int brokerRestarts, int in, long enriched, long dlq, long lost, long duplicated) {
        public String line() {
            return String.format("chaos: kills=%d broker_restarts=%d in=%d enriched=%d dlq=%d lost=%d duplicated=%d",
                    kills, brokerRestarts, in, enriched, dlq, lost, duplicated);
        }

        public static Summary parse(String line) {
            Matcher m = SUMMARY.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a chaos summary line: " + line);
            }
            return new Summary(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    Long.parseLong(m.group(4)), Long.parseLong(m.group(5)), Long.parseLong(m.group(6)),
                    Long.parseLong(m.group(7)));
        }
    }

    public static int run(String[] argv, PrintStream out) throws Exception {
        ChaosOptions o = ChaosOptions.parse(argv);
        return run(o, JvmLauncher.current(), out);
    }

    public static int run(ChaosOptions o, JvmLauncher jvm, PrintStream out) throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(o.workDir());
        ChaosInput input = ChaosInput.select(o.articles(), o.corpus(), o.seeds());
        List<Path> chunks = input.writeChunks(o.workDir().resolve("input"), o.chunks());
        Set<String> ids = input.ids();
        List<Integer> chunkSizes = new java.util.ArrayList<>();
        for (Path c : chunks) {
            try (Stream<String> lines = Files.lines(c)) {
                chunkSizes.add((int) lines.filter(l -> !l.isBlank()).count());
            }
        }
        ChaosPlan plan = ChaosPlan.draw(o.seed(), o.kills(), o.brokerRestarts(), ids.size(),
                ChaosPlan.reachBeforeLastChunk(chunkSizes));
        out.printf("chaos: %d articles (%s) in %d chunks; seed %d; work dir %s%n", ids.size(), input.description(),
                chunks.size(), o.seed(), o.workDir());
        out.printf("chaos: fault plan: %s%s%n", plan.describe(), o.killAfterBrokerRestartMs() < 0 ? ""
                : ", and kill -9 processor " + o.killAfterBrokerRestartMs() + " ms after each broker restart");
        out.flush();

        ChaosRun baselineRun = new ChaosRun("baseline", o.workDir().resolve("baseline"), jvm, chunks, ids,
                ChaosPlan.none(), o, out);
        ChaosRun chaosRun = new ChaosRun("chaos", o.workDir().resolve("chaos"), jvm, chunks, ids, plan, o, out);
        ChaosRun.Result baseline;
        ChaosRun.Result chaos;
        if (o.sequential()) {
            baseline = baselineRun.run();
            chaos = chaosRun.run();
        } else {
            // Side by side on separate brokers and directories: the baseline's work overlaps the chaos run's waits.
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                java.util.concurrent.Future<ChaosRun.Result> b = pool.submit(baselineRun::run);
                java.util.concurrent.Future<ChaosRun.Result> c = pool.submit(chaosRun::run);
                baseline = b.get();
                chaos = c.get();
            } finally {
                pool.shutdownNow();
            }
        }

        Map<String, JsonNode> base = baseline.sink().latest();
        Map<String, JsonNode> hit = chaos.sink().latest();
        long lost = ids.stream().filter(id -> !chaos.sink().byId().containsKey(id)).count();
        long baseLost = ids.stream().filter(id -> !baseline.sink().byId().containsKey(id)).count();
        long unexpected = hit.keySet().stream().filter(id -> !ids.contains(id)).count();
        OutputComparison.Result cmp = OutputComparison.compare(base, hit);
        OutputComparison.Integrity baseIntegrity = OutputComparison.integrity(base);
        OutputComparison.Integrity chaosIntegrity = OutputComparison.integrity(hit);

        out.println();
        report(out, baseline, baseLost);
        report(out, chaos, lost);
        chaos.notFired().forEach(f -> out.println("chaos: fault not fired: " + f));
        out.printf("chaos: per-id content (title, publishedAt, url, source, paragraphsIn, themes, primaryTheme, "
                + "paragraph accounting): compared=%d mismatched=%d%n", cmp.compared(), cmp.mismatched());
        cmp.mismatchExamples().forEach(e -> out.println("  MISMATCH " + e));
        out.printf("chaos: dedup choices differing from the baseline (informational; cross-partition timing): %d%n",
                cmp.dedupDifferences());
        cmp.dedupExamples().forEach(e -> out.println("  e.g. " + e));
        out.printf("chaos: integrity baseline: %s%n", baseIntegrity);
        out.printf("chaos: integrity chaos:    %s%n", chaosIntegrity);
        if (unexpected > 0) {
            out.printf("chaos: %d ids in the chaos sink file were never published%n", unexpected);
        }
        List<String> failures = new java.util.ArrayList<>();
        if (!baseline.completed() || baseLost > 0 || baseline.sink().duplicatedIds() > 0) {
            failures.add("the undisturbed baseline run did not deliver every article exactly once");
        }
        if (!chaos.completed()) {
            failures.add("the chaos run did not complete");
        }
        if (lost > 0 || chaos.sink().duplicatedIds() > 0) {
            failures.add("articles lost or duplicated under faults");
        }
        int killsWanted = o.kills() + (o.killAfterBrokerRestartMs() >= 0 ? o.brokerRestarts() : 0);
        if (chaos.kills() < killsWanted || chaos.brokerRestarts() < o.brokerRestarts() || !chaos.notFired().isEmpty()) {
            failures.add("fewer faults than requested: kills " + chaos.kills() + "/" + killsWanted
                    + ", broker restarts " + chaos.brokerRestarts() + "/" + o.brokerRestarts()
                    + (chaos.notFired().isEmpty() ? "" : ", " + chaos.notFired().size() + " planned faults not fired"));
        }
        if (cmp.mismatched() > 0) {
            failures.add(cmp.mismatched() + " articles differ from the baseline in fields that do not depend on timing");
        }
        if (chaosIntegrity.exactParagraphsKeptTwice() > baseIntegrity.exactParagraphsKeptTwice()
                || chaosIntegrity.danglingReferences() > baseIntegrity.danglingReferences()
                || chaosIntegrity.mutualDuplicates() > baseIntegrity.mutualDuplicates()) {
            failures.add("the chaos output is less consistent than the baseline's (integrity counts above)");
        }
        List<String> problems = new java.util.ArrayList<>(baseline.problems());
        problems.addAll(chaos.problems());
        problems.forEach(p -> out.println("chaos: note: " + p));
        failures.forEach(f -> out.println("chaos: FAIL: " + f));
        boolean ok = failures.isEmpty();
        if (ok && !o.keep()) {
            deleteRecursively(o.workDir());
        } else {
            out.println("chaos: logs, broker data and sink files kept in " + o.workDir());
        }
        out.printf("chaos: %s in %.1f s (baseline %.1f s, chaos %.1f s)%n", ok ? "PASS" : "FAIL",
                (System.nanoTime() - t0) / 1e9, baseline.took().toMillis() / 1e3, chaos.took().toMillis() / 1e3);
        Summary summary = new Summary(chaos.kills(), chaos.brokerRestarts(), ids.size(), chaos.sink().lines(),
                chaos.dlq(), lost, chaos.sink().duplicatedIds());
        out.println(summary.line());
        out.flush();
        return ok ? 0 : 1;
    }

    private static void report(PrintStream out, ChaosRun.Result r, long lost) {
        out.printf("chaos: %-8s run: published=%d sink_lines=%d distinct_ids=%d lost=%d duplicated=%d dlq=%d kills=%d "
                        + "broker_restarts=%d unexpected_exits=%d republished_chunks=%d took=%.1fs%n",
                r.label(), r.published(), r.sink().lines(), r.sink().byId().size(), lost, r.sink().duplicatedIds(),
                r.dlq(), r.kills(), r.brokerRestarts(), r.unexpectedExits(), r.republishedChunks(),
                r.took().toMillis() / 1e3);
        if (r.enriched() != null) {
            out.printf("chaos: %-8s run: articles-enriched holds %d committed records for %d ids (%d ids more than once)%n",
                    r.label(), r.enriched().records(), r.enriched().perKey().size(), r.enriched().keysMoreThanOnce());
        }
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
