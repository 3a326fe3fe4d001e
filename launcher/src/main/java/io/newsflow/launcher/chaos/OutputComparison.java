package io.newsflow.launcher.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.newsflow.dedup.ParagraphFingerprinter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares two sink outputs of the same input per article id. Fields that do not depend on which of two
 * near-simultaneous copies the stream-wide dedup saw first must be equal; the dedup verdicts themselves
 * (removedParagraphs, and what is kept) may legitimately differ between two runs and are only counted.
 */
public final class OutputComparison {
    private OutputComparison() {
    }

    /** Fields that must match between two runs of the same input. */
    static final List<String> STRICT_FIELDS = List.of("schemaVersion", "title", "publishedAt", "url", "source",
            "paragraphsIn", "primaryTheme");

    public record Result(int compared, int mismatched, int dedupDifferences, List<String> mismatchExamples,
                         List<String> dedupExamples) {
    }

    public static Result compare(Map<String, JsonNode> baseline, Map<String, JsonNode> other) {
        int compared = 0;
        int mismatched = 0;
        int dedup = 0;
        List<String> mismatchExamples = new ArrayList<>();
        List<String> dedupExamples = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : baseline.entrySet()) {
            JsonNode b = e.getValue();
            JsonNode o = other.get(e.getKey());
            if (o == null) {
                continue; // counted as lost elsewhere
            }
            compared++;
            List<String> diffs = new ArrayList<>();
            for (String f : STRICT_FIELDS) {
                if (!b.path(f).equals(o.path(f))) {
                    diffs.add(f + ": " + clip(b.path(f)) + " vs " + clip(o.path(f)));
                }
            }
            if (!themeNames(b).equals(themeNames(o))) {
                diffs.add("themes: " + themeNames(b) + " vs " + themeNames(o));
            }
            String invariant = invariantProblem(o);
            if (invariant != null) {
                diffs.add(invariant);
            }
            if (!diffs.isEmpty()) {
                mismatched++;
                if (mismatchExamples.size() < 5) {
                    mismatchExamples.add(e.getKey() + " " + String.join("; ", diffs));
                }
            }
            if (!b.path("removedParagraphs").equals(o.path("removedParagraphs"))) {
                dedup++;
                if (dedupExamples.size() < 3) {
                    dedupExamples.add(e.getKey() + " removed " + removals(b) + " vs " + removals(o));
                }
            }
        }
        return new Result(compared, mismatched, dedup, mismatchExamples, dedupExamples);
    }

    static List<String> themeNames(JsonNode article) {
        List<String> names = new ArrayList<>();
        for (JsonNode t : article.path("themes")) {
            names.add(t.path("theme").asText());
        }
        return names;
    }

    /** paragraphsIn = kept + removed, and every input index is accounted for exactly once. */
    static String invariantProblem(JsonNode a) {
        int in = a.path("paragraphsIn").asInt();
        Set<Integer> seen = new HashSet<>();
        for (JsonNode p : a.path("paragraphs")) {
            seen.add(p.path("index").asInt());
        }
        for (JsonNode p : a.path("removedParagraphs")) {
            seen.add(p.path("index").asInt());
        }
        int total = a.path("paragraphs").size() + a.path("removedParagraphs").size();
        if (total != in || seen.size() != in || a.path("paragraphsKept").asInt() != a.path("paragraphs").size()) {
            return "paragraph accounting: in=" + in + " kept=" + a.path("paragraphs").size() + " removed="
                    + a.path("removedParagraphs").size() + " distinct indexes=" + seen.size();
        }
        return null;
    }

    private static String removals(JsonNode a) {
        List<String> r = new ArrayList<>();
        for (JsonNode p : a.path("removedParagraphs")) {
            JsonNode d = p.path("duplicateOf");
            r.add(p.path("index").asInt() + "->" + d.path("articleId").asText() + "#" + d.path("index").asInt()
                    + "(" + p.path("kind").asText() + ")");
        }
        return r.toString();
    }

    private static String clip(JsonNode n) {
        String s = n.toString();
        return s.length() > 60 ? s.substring(0, 59) + "…" : s;
    }

    /** Stream-wide consistency of one output, whatever the timing. */
    public record Integrity(int danglingReferences, int mutualDuplicates, int exactParagraphsKeptTwice) {
        @Override
        public String toString() {
            return "dangling_refs=" + danglingReferences + " mutual_duplicates=" + mutualDuplicates
                    + " exact_paragraphs_kept_more_than_once=" + exactParagraphsKeptTwice;
        }
    }

    /**
     * Dangling: a paragraph removed as a repeat of an article that is not in the output. Mutual: two paragraphs
     * each removed as the other's repeat. Kept twice: the same paragraph text (after the pipeline's normalisation)
     * kept by two different articles, i.e. a repeat that dedup missed.
     */
    public static Integrity integrity(Map<String, JsonNode> output) {
        int dangling = 0;
        Set<String> edges = new HashSet<>();
        for (Map.Entry<String, JsonNode> e : output.entrySet()) {
            for (JsonNode r : e.getValue().path("removedParagraphs")) {
                String target = r.path("duplicateOf").path("articleId").asText();
                if (!target.equals(e.getKey()) && !output.containsKey(target)) {
                    dangling++;
                }
                edges.add(e.getKey() + "#" + r.path("index").asInt() + ">" + target + "#"
                        + r.path("duplicateOf").path("index").asInt());
            }
        }
        int mutual = 0;
        for (String edge : edges) {
            String[] ends = edge.split(">", 2);
            if (edges.contains(ends[1] + ">" + ends[0])) {
                mutual++;
            }
        }
        ParagraphFingerprinter fp = new ParagraphFingerprinter();
        Map<Long, String> keptBy = new HashMap<>();
        Set<Long> twice = new HashSet<>();
        for (Map.Entry<String, JsonNode> e : output.entrySet()) {
            for (JsonNode p : e.getValue().path("paragraphs")) {
                long exact = fp.fingerprint(p.path("text").asText()).exact();
                String first = keptBy.putIfAbsent(exact, e.getKey());
                if (first != null && !first.equals(e.getKey())) {
                    twice.add(exact);
                }
            }
        }
        return new Integrity(dangling, mutual / 2, twice.size());
    }
}
