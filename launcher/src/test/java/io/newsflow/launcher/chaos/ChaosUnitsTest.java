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
