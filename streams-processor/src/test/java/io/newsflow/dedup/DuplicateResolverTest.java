package io.newsflow.dedup;

import io.newsflow.dedup.DedupRecords.Hit;
import io.newsflow.dedup.DedupRecords.Holder;
import io.newsflow.dedup.DuplicateResolver.Decision;
import io.newsflow.dedup.DuplicateResolver.Resolution;
import org.junit.jupiter.api.Test;

import io.newsflow.model.ArticleFiles;
import io.newsflow.model.ParagraphRef;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DuplicateResolverTest {
    private static final String ORIGINAL = "The People's Bank of China said on Friday that its digital yuan pilot would "
            + "expand to ten more cities this year, with state banks handing out red envelopes to residents.";
    private static final String REWORDED = "The People's Bank of China said on Friday that the digital yuan pilot will "
            + "expand to ten more cities this year, with state banks handing out red envelopes to residents.";
    private static final String OTHER = "Separately, the exchange said trading volumes in the second quarter fell by "
            + "a third as retail investors stayed away from riskier tokens after the summer's losses.";

    private final DuplicateResolver resolver = new DuplicateResolver(DedupSettings.DEFAULT_NEAR_THRESHOLD);

    @Test
    void shouldRemoveARewordedRepeatInsideTheArticleInBothDecisionLists() {
        List<String> texts = List.of(ORIGINAL, OTHER, REWORDED);
        Resolution r = resolver.resolveWithInternal("a", texts, ArticleText.fingerprints(texts), List.of());

        for (List<Decision> list : List.of(r.decisions(), r.internal())) {
            assertFalse(list.get(0).removed());
            assertFalse(list.get(1).removed());
            Decision repeat = list.get(2);
            assertEquals("NEAR", repeat.kind());
            assertEquals("a", repeat.duplicateOf().articleId());
            assertEquals(0, repeat.duplicateOf().index());
            // verified on the texts, not estimated: the exact 7-gram Jaccard of the two paragraphs
            assertEquals(ParagraphFingerprinter.resemblance(ORIGINAL, REWORDED), repeat.similarity(), 1e-12);
        }
    }

    @Test
    void shouldJudgeInternalRepeatsFromTheArticleAloneWhileTheOwnersHitsRemoveMore() {
        List<String> texts = List.of(ORIGINAL, OTHER, ORIGINAL);
        List<Fingerprint> fps = ArticleText.fingerprints(texts);
        // another article holds paragraph 1 exactly
        Holder earlier = new Holder("b", 1, 4, fps.get(1).exact(), fps.get(1).signature());
        List<Hit> hits = List.of(new Hit(1, ParagraphFingerprinter.exactKey(fps.get(1).exact()), earlier));

        Resolution r = resolver.resolveWithInternal("a", texts, fps, hits);

        assertEquals("b", r.decisions().get(1).duplicateOf().articleId());
        assertEquals(4, r.decisions().get(1).duplicateOf().index());
        assertNull(r.internal().get(1).duplicateOf(), "the classifier still reads a paragraph another article holds");
        for (List<Decision> list : List.of(r.decisions(), r.internal())) {
            assertFalse(list.get(0).removed());
            assertEquals("EXACT", list.get(2).kind());
            assertEquals(0, list.get(2).duplicateOf().index());
        }
        assertEquals(r.internal(), resolver.resolve("a", texts, fps, List.of()));
    }

    /**
     * Random articles of the seeds' paragraphs, repeated and reworded, against the hits an owner holding a random
     * earlier article would answer: the internal decisions are those made without any hits, a hit only ever removes
     * more, a paragraph the earlier article holds exactly always points to it, and the same inputs decide alike.
     */
    @Test
    void shouldDecideInternalRepeatsAsWithoutHitsAndLetHitsOnlyRemoveMore() throws Exception {
        List<String> pool = new ArrayList<>();
        for (var seed : ArticleFiles.readAll(Path.of("..", "seeds"))) {
            pool.addAll(ArticleText.paragraphs(seed));
        }
        pool = pool.subList(0, 30); // a small pool, so that draws often share paragraphs
        Random random = new Random(7);
        int exactByHits = 0;
        int nearByHits = 0;
        for (int round = 0; round < 200; round++) {
            List<String> earlier = draw(pool, random, 6);
            List<Fingerprint> earlierFps = ArticleText.fingerprints(earlier);
            Map<Long, Holder> held = new HashMap<>(); // what an owner would hold: each key's first holder
            for (int j = 0; j < earlier.size(); j++) {
                Fingerprint f = earlierFps.get(j);
                for (long key : f.keys()) {
                    held.putIfAbsent(key, new Holder("earlier", 1, j, f.exact(), f.signature()));
                }
            }
            List<String> texts = draw(pool, random, 10);
            List<Fingerprint> fps = ArticleText.fingerprints(texts);
            List<Hit> hits = new ArrayList<>();
            for (int i = 0; i < fps.size(); i++) {
                for (long key : fps.get(i).keys()) {
                    Holder h = held.get(key);
                    if (h != null) {
                        hits.add(new Hit(i, key, h));
                    }
                }
            }

            Resolution r = resolver.resolveWithInternal("a", texts, fps, hits);

            assertEquals(resolver.resolveWithInternal("a", texts, fps, List.of()).decisions(), r.internal());
            assertEquals(r, resolver.resolveWithInternal("a", texts, fps, hits), "deterministic");
            for (int i = 0; i < texts.size(); i++) {
                if (r.internal().get(i).removed()) {
                    assertTrue(r.decisions().get(i).removed(), "round " + round + " paragraph " + i);
                }
                Holder exact = held.get(ParagraphFingerprinter.exactKey(fps.get(i).exact()));
                if (exact != null) {
                    assertEquals(new ParagraphRef("earlier", exact.index()), r.decisions().get(i).duplicateOf());
                    assertEquals("EXACT", r.decisions().get(i).kind());
                }
                if (r.decisions().get(i).removed() && !r.internal().get(i).removed()) {
                    if ("EXACT".equals(r.decisions().get(i).kind())) {
                        exactByHits++;
                    } else {
                        nearByHits++;
                    }
                }
            }
        }
        // the draws exercise both kinds of hit
        assertTrue(exactByHits > 20 && nearByHits > 5, "removed by hits: exact " + exactByHits + ", near " + nearByHits);
    }

    /** Up to {@code max} paragraphs of the pool, some repeated and some reworded (a word dropped). */
    private static List<String> draw(List<String> pool, Random random, int max) {
        List<String> out = new ArrayList<>();
        for (int n = 1 + random.nextInt(max); n > 0; n--) {
            String p = !out.isEmpty() && random.nextInt(4) == 0 ? out.get(random.nextInt(out.size()))
                    : pool.get(random.nextInt(pool.size()));
            if (random.nextInt(3) == 0) {
                String[] words = p.split(" ");
                if (words.length > 12) {
                    words[words.length / 2] = "";
                    p = String.join(" ", words).replace("  ", " ");
                }
            }
            out.add(p);
        }
        return out;
    }

    @Test
    void shouldMeasureResemblanceAsTheJaccardOfDistinctShingles() {
        assertEquals(1.0, ParagraphFingerprinter.resemblance(ORIGINAL, ORIGINAL.toUpperCase()), 0.0);
        double reworded = ParagraphFingerprinter.resemblance(ORIGINAL, REWORDED);
        assertTrue(reworded > 0.7 && reworded < 1.0, "reworded: " + reworded);
        assertTrue(ParagraphFingerprinter.resemblance(ORIGINAL, OTHER) < 0.1);
        // a shingle repeated in one text counts once
        long[] twice = ParagraphFingerprinter.shingles("bitcoin bitcoin bitcoin bitcoin");
        long[] once = ParagraphFingerprinter.shingles("bitcoin bitcoin");
        for (int i = 1; i < twice.length; i++) {
            assertTrue(twice[i - 1] < twice[i], "sorted and distinct");
        }
        assertEquals(1.0, ParagraphFingerprinter.resemblance(twice, once), 0.0);
    }
}
