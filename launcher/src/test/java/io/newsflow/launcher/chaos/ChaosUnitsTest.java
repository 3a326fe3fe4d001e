package io.newsflow.launcher.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.newsflow.model.Article;
import io.newsflow.model.JsonSerde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chaos command's pieces that need no broker. */
class ChaosUnitsTest {

    @TempDir
    Path dir;

    @Test
    void summaryLineRoundTrips() {
        Chaos.Summary s = new Chaos.Summary(5, 1, 2000, 1998, 2, 0, 0);
        assertEquals("chaos: kills=5 broker_restarts=1 in=2000 enriched=1998 dlq=2 lost=0 duplicated=0", s.line());
        assertEquals(s, Chaos.Summary.parse(s.line()));
        assertThrows(IllegalArgumentException.class, () -> Chaos.Summary.parse("chaos: PASS"));
    }

    @Test
    void planIsSeededBalancedAndLandsWhileArticlesFlow() {
        ChaosPlan a = ChaosPlan.draw(42, 5, 1, 2000);
        assertEquals(a, ChaosPlan.draw(42, 5, 1, 2000), "same seed, same plan");
        assertNotEquals(a, ChaosPlan.draw(43, 5, 1, 2000));
        assertEquals(6, a.faults().size());
        assertEquals(1, a.count(ChaosPlan.Target.BROKER));
        long p = a.count(ChaosPlan.Target.PROCESSOR);
        assertTrue(p == 2 || p == 3, a.describe());
        for (ChaosPlan.Fault f : a.faults()) {
            assertTrue(f.atArticles() >= 100 && f.atArticles() <= 1700, "not at the very start or end: " + a.describe());
        }
        ChaosPlan.Fault broker = a.faults().stream().filter(f -> f.target() == ChaosPlan.Target.BROKER).findFirst().orElseThrow();
        assertTrue(broker.atArticles() >= 600 && broker.atArticles() <= 1200, "broker restart mid-run: " + a.describe());
        assertEquals(1, ChaosPlan.draw(1, 1, 1, 1).count(ChaosPlan.Target.BROKER), "one article still works");
        long processorFirst = 0;
        for (long seed = 1; seed <= 20; seed++) {
            ChaosPlan plan = ChaosPlan.draw(seed, 3, 1, 600);
            processorFirst += plan.count(ChaosPlan.Target.PROCESSOR) == 2 ? 1 : 0;
        }
        assertTrue(processorFirst > 3 && processorFirst < 17, "nearby seeds draw different splits: " + processorFirst);
    }

    @Test
    void planTriggersStayFivePercentBelowWhatIsPublishedBeforeTheLastChunk() {
        assertEquals(450, ChaosPlan.reachBeforeLastChunk(List.of(150, 150, 150, 150)));
        assertEquals(0, ChaosPlan.reachBeforeLastChunk(List.of(600)));
        for (long seed = 1; seed <= 50; seed++) {
            ChaosPlan plan = ChaosPlan.draw(seed, 5, 1, 600, 450);
            for (ChaosPlan.Fault f : plan.faults()) {
                assertTrue(f.atArticles() >= 30 && f.atArticles() <= 420, "seed " + seed + ": " + plan.describe());
            }
            ChaosPlan.Fault broker = plan.faults().stream().filter(f -> f.target() == ChaosPlan.Target.BROKER)
                    .findFirst().orElseThrow();
            assertTrue(broker.atArticles() >= 180 && broker.atArticles() <= 360, "seed " + seed + ": " + plan.describe());
            // with the whole default run's input before its last chunk in reach, the plan is what it always was
            assertEquals(ChaosPlan.draw(seed, 5, 1, 2000), ChaosPlan.draw(seed, 5, 1, 2000, 1800));
        }
        assertEquals(3, ChaosPlan.draw(1, 3, 0, 600, 0).faults().stream().filter(f -> f.atArticles() == 30).count(),
                "a single chunk: every trigger at the lowest count");
    }

    @Test
    void faultWhoseTriggerWasPassedWhileTheHarnessWasBusyFiresAtTheNextLook() {
        FaultSchedule s = new FaultSchedule(List.of(fault(ChaosPlan.Target.SINK, 100), fault(ChaosPlan.Target.PROCESSOR, 150)),
                600, 6);
        assertTrue(s.take(99).isEmpty());
        assertEquals(100, s.take(140).orElseThrow().atArticles(), "passed, not hit exactly: fires");
        s.applied();
        assertEquals(150, s.take(400).orElseThrow().atArticles(), "passed by far while the first was applied: fires");
        s.applied();
        assertTrue(s.finished());
        assertEquals(List.of(), s.notFired());
    }

    @Test
    void faultsFireInPlanOrderOneAtATimeAndOnlyAfterTheSinkMovedOn() {
        FaultSchedule s = new FaultSchedule(List.of(fault(ChaosPlan.Target.SINK, 100), fault(ChaosPlan.Target.BROKER, 101)),
                600, 6);
        assertEquals(ChaosPlan.Target.SINK, s.take(300).orElseThrow().target(), "both due: the first in plan order");
        s.applied();
        assertEquals(306, s.nextTrigger(), "the second waits for 6 more articles after the first fired");
        assertTrue(s.take(305).isEmpty());
        assertEquals(ChaosPlan.Target.BROKER, s.take(306).orElseThrow().target());
    }

    /** The fresh-clone CI stall: the previous fault was seen only at 595 of 600, so the gap could never be met. */
    @Test
    void faultThatCanNoLongerLandIsReportedNotFiredInsteadOfAwaited() {
        FaultSchedule s = new FaultSchedule(List.of(fault(ChaosPlan.Target.PROCESSOR, 418), fault(ChaosPlan.Target.SINK, 467)),
                600, 6);
        assertTrue(s.take(595).isPresent());
        s.applied();
        assertTrue(s.take(599).isEmpty(), "601 needed");
        assertTrue(s.take(600).isEmpty(), "every article is in the sink: too late to land while articles flow");
        assertTrue(s.finished(), "nothing left to wait for");
        assertEquals(List.of("kill -9 sink @467 in sink (not fired: the sink file already held all 600 articles)"),
                s.notFired());
        assertEquals(Long.MAX_VALUE, s.nextTrigger());
    }

    @Test
    void closingTheScheduleReportsEveryWaitingFaultButNotTheOneAlreadyTaken() {
        FaultSchedule s = new FaultSchedule(List.of(fault(ChaosPlan.Target.SINK, 10), fault(ChaosPlan.Target.PROCESSOR, 20),
                fault(ChaosPlan.Target.BROKER, 30)), 100, 5);
        assertTrue(s.take(12).isPresent());
        s.close("all 100 articles were in the sink file first");
        assertTrue(s.finished());
        assertTrue(s.take(50).isEmpty(), "no fault fires after the schedule is closed");
        assertEquals(List.of("kill -9 processor @20 in sink (not fired: all 100 articles were in the sink file first)",
                "restart broker @30 in sink (not fired: all 100 articles were in the sink file first)"), s.notFired());
        s.close("again");
        assertEquals(2, s.notFired().size(), "closing twice reports nothing twice");
    }

    @Test
    void publishingWaitsWhileAFaultWithinReachHasNotBeenApplied() {
        FaultSchedule s = new FaultSchedule(List.of(fault(ChaosPlan.Target.SINK, 100), fault(ChaosPlan.Target.PROCESSOR, 400)),
                600, 6);
        assertTrue(s.holdsPublishing(150), "the first fault is due within the 150 published: wait for it");
        assertTrue(s.take(120).isPresent());
        assertTrue(s.holdsPublishing(150), "and while it is being applied");
        s.applied();
        assertTrue(!s.holdsPublishing(150), "the next one needs more input than published: go on");
        assertTrue(s.holdsPublishing(450));
        s.close("done");
        assertTrue(!s.holdsPublishing(450), "a closed schedule holds nothing back");
    }

    /**
     * The ChaosTest configuration with the broker restart, on many seeds: with the publisher waiting for the faults
     * within reach, a sink that moves a little between two looks gets every fault before the last chunk goes out, and
     * one that jumps far ahead each time (as after a broker restart) still gets every fault while articles flow.
     */
    @Test
    void everyFaultLandsMidRunAndBeforeTheLastChunkUnlessTheSinkJumpsAhead() {
        List<Integer> chunkSizes = List.of(150, 150, 150, 150);
        for (long seed = 1; seed <= 50; seed++) {
            ChaosPlan plan = ChaosPlan.draw(seed, 3, 1, 600, ChaosPlan.reachBeforeLastChunk(chunkSizes));
            assertEquals(0, firedInLastChunk(plan, chunkSizes, 5), "seed " + seed + ": " + plan.describe());
            firedInLastChunk(plan, chunkSizes, 97);
        }
    }

    /** Simulates publishing and sink progress of {@code step} articles per look; how many faults fired in the last chunk. */
    private static int firedInLastChunk(ChaosPlan plan, List<Integer> chunkSizes, int step) {
        int total = chunkSizes.stream().mapToInt(Integer::intValue).sum();
        FaultSchedule s = new FaultSchedule(plan.faults(), total, 6);
        long published = 0;
        long inSink = 0;
        int fired = 0;
        int firedInLast = 0;
        for (int c = 0; c < chunkSizes.size(); c++) {
            published += chunkSizes.get(c);
            boolean last = c == chunkSizes.size() - 1;
            while (inSink < published && (last || s.holdsPublishing(published))) {
                inSink = Math.min(published, inSink + step);
                if (s.take(inSink).isPresent()) {
                    assertTrue(inSink < total, "landed mid-run: " + plan.describe());
                    fired++;
                    firedInLast += last ? 1 : 0;
                    s.applied();
                }
            }
        }
        s.take(inSink);
        assertEquals(plan.faults().size(), fired, plan.describe() + " " + s.notFired());
        assertEquals(List.of(), s.notFired());
        return firedInLast;
    }

    @Test
    void deadlineOptionDefaultsToHalfAnHourAndMustBePositive() {
        assertEquals(java.time.Duration.ofSeconds(1800), ChaosOptions.parse(new String[0]).deadline());
        assertEquals(java.time.Duration.ofSeconds(90), ChaosOptions.parse(new String[] {"--deadline", "90"}).deadline());
        assertThrows(IllegalArgumentException.class, () -> ChaosOptions.parse(new String[] {"--deadline", "0"}));
    }

    private static ChaosPlan.Fault fault(ChaosPlan.Target target, int at) {
        return new ChaosPlan.Fault(target, at, 0, 0);
    }

    @Test
    void generatedInputIsDeterministicWithFreshIdsAndChunks() throws Exception {
        ChaosInput a = ChaosInput.select(250, null, Path.of("../seeds"));
        ChaosInput b = ChaosInput.select(250, dir.resolve("no-corpus"), Path.of("../seeds"));
        assertEquals(250, a.ids().size());
        assertEquals(a.articles(), b.articles());
        assertTrue(a.articles().stream().map(Article::body).distinct().count() == 250, "varied text");
        List<Path> chunks = a.writeChunks(dir.resolve("chunks"), 4);
        assertEquals(4, chunks.size());
        long lines = 0;
        for (Path c : chunks) {
            lines += Files.readAllLines(c).size();
        }
        assertEquals(250, lines);
    }

    @Test
    void corpusArticlesComeFirstAndAreToppedUp() throws Exception {
        Path corpus = dir.resolve("corpus.jsonl");
        Files.writeString(corpus, """
                {"id":"a1","title":"T","body":"Bitcoin rose.\\n\\nIt fell."}
                {"id":"a1","title":"repeated id","body":"x"}
                {"id":"a2","title":"no body","body":"  "}
                {"id":"a3","title":"T3","body":"Payments grew."}
                """);
        ChaosInput in = ChaosInput.select(5, corpus, Path.of("../seeds"));
        assertEquals(List.of("a1", "a3"), in.ids().stream().limit(2).toList());
        assertEquals(5, in.ids().size());
    }

    @Test
    void comparisonSeparatesTimingFromRealDifferences() throws Exception {
        JsonNode base = article("x", List.of("Crypto", "Payments"), List.of(), 2);
        JsonNode dedupOnly = article("x", List.of("Crypto", "Payments"), List.of(1), 2);
        JsonNode themeChanged = article("x", List.of("Crypto"), List.of(), 2);
        JsonNode timeOnly = ((ObjectNode) base.deepCopy()).put("processedAt", "2030-01-01T00:00:00Z");

        assertEquals(new OutputComparison.Result(1, 0, 0, List.of(), List.of()),
                OutputComparison.compare(Map.of("x", base), Map.of("x", timeOnly)));
        OutputComparison.Result r = OutputComparison.compare(Map.of("x", base), Map.of("x", dedupOnly));
        assertEquals(0, r.mismatched());
        assertEquals(1, r.dedupDifferences());
        r = OutputComparison.compare(Map.of("x", base), Map.of("x", themeChanged));
        assertEquals(1, r.mismatched(), r.toString());
        assertEquals(0, OutputComparison.compare(Map.of("x", base), Map.of()).compared(), "missing ids are not compared");
    }

    @Test
    void integrityFindsDanglingMutualAndMissedRepeats() throws Exception {
        ObjectNode a = article("a", List.of(), List.of(1), 2);
        ObjectNode b = article("b", List.of(), List.of(), 2);
        ((ObjectNode) a.path("removedParagraphs").get(0).path("duplicateOf")).put("articleId", "b");
        assertEquals(new OutputComparison.Integrity(0, 0, 0), OutputComparison.integrity(Map.of("a", a, "b", b)));
        assertEquals(1, OutputComparison.integrity(Map.of("a", a)).danglingReferences());
        ObjectNode c = article("c", List.of(), List.of(), 2);
        c.set("paragraphs", b.path("paragraphs").deepCopy()); // keeps the same paragraph texts as b
        assertEquals(2, OutputComparison.integrity(Map.of("b", b, "c", c)).exactParagraphsKeptTwice());
    }

    @Test
    void tailFollowsTheSinkFileAndItsRestarts() throws Exception {
        Path file = dir.resolve("out.jsonl");
        Files.writeString(file, "{\"schemaVersion\":\"1.0\",\"id\":\"a\"}\n{\"schemaVersion\":\"1.0\",\"id\":\"b\"");
        SinkOutput.Tail tail = new SinkOutput.Tail(file);
        tail.poll();
        assertEquals(1, tail.distinctIds(), "only complete lines count");
        Files.writeString(file, "{\"schemaVersion\":\"1.0\",\"id\":\"a\"}\n{\"schemaVersion\":\"1.0\",\"id\":\"b\"}\n");
        tail.poll();
        assertTrue(tail.contains("b"));
        assertEquals(2, tail.lines());
    }

    /** An enriched article with two paragraphs; {@code removed} indexes are repeats of "other#0". */
    private static ObjectNode article(String id, List<String> themes, List<Integer> removed, int in) {
        ObjectNode a = JsonSerde.MAPPER.createObjectNode();
        a.put("schemaVersion", "1.0").put("id", id).put("title", "T " + id);
        ArrayNode t = a.putArray("themes");
        themes.forEach(name -> t.addObject().put("theme", name).put("score", 0.5));
        a.put("primaryTheme", themes.isEmpty() ? null : themes.get(0));
        ArrayNode kept = a.putArray("paragraphs");
        ArrayNode rem = a.putArray("removedParagraphs");
        for (int i = 0; i < in; i++) {
            if (removed.contains(i)) {
                ObjectNode r = rem.addObject().put("index", i).put("text", "paragraph " + i).put("kind", "EXACT");
                r.putObject("duplicateOf").put("articleId", "other").put("index", 0);
            } else {
                kept.addObject().put("index", i).put("text", "paragraph number " + i + " of article " + id);
            }
        }
        a.put("paragraphsIn", in).put("paragraphsKept", kept.size()).put("processedAt", "2026-01-01T00:00:00Z");
        return a;
    }
}
