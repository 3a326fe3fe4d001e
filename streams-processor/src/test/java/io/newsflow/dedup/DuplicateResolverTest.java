package io.newsflow.dedup;

import io.newsflow.dedup.DedupRecords.Hit;
import io.newsflow.dedup.DedupRecords.Holder;
import io.newsflow.dedup.DuplicateResolver.Decision;
import io.newsflow.dedup.DuplicateResolver.Resolution;
import org.junit.jupiter.api.Test;

import java.util.List;

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
        assertEquals(r.decisions(), resolver.resolve("a", texts, fps, hits));
        assertEquals(r.internal(), resolver.resolve("a", texts, fps, List.of()));
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
