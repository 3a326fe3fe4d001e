package io.newsflow.dedup;

import io.newsflow.model.Article;
import io.newsflow.model.ArticleFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The LSH bands are the owners' main cost (one store key and one changelog record each per new paragraph), so
 * their number is kept low; this holds the recall that buys on real news: nearly every pair of distinct
 * paragraphs of the corpora that resemble each other at the near threshold or more must share a band key, or
 * the owners could never find it. Skips when the corpora are absent.
 */
class BandRecallTest {
    static final Path CORPORA = Path.of(System.getProperty("newsflow.corpora", "../../shared/corpora"));
    static final double THRESHOLD = DedupSettings.DEFAULT_NEAR_THRESHOLD;

    @Test
    void shouldMakeNearlyEveryNearDuplicatePairOfTheCorporaACandidate() throws Exception {
        List<Path> files = List.of(CORPORA.resolve("reuters-bitcoin.jsonl"), CORPORA.resolve("crypto-news-2025.jsonl"));
        Assumptions.assumeTrue(files.stream().allMatch(Files::exists), "corpora not present at " + CORPORA);
        ParagraphFingerprinter fingerprinter = new ParagraphFingerprinter();
        List<String> texts = new ArrayList<>();
        List<Fingerprint> prints = new ArrayList<>();
        for (Path file : files) {
            for (Article a : ArticleFiles.readAll(file)) {
                for (String p : ArticleText.paragraphs(a)) {
                    Fingerprint f = fingerprinter.fingerprint(p);
                    if (f.signature() != null) {
                        texts.add(p);
                        prints.add(f);
                    }
                }
            }
        }

        // Reference pairs: candidates of a far wider LSH (32 bands of 2 rows: p > 0.999 at resemblance 0.7),
        // verified with the exact resemblance of the texts.
        Map<Long, List<Integer>> byWideBand = new HashMap<>();
        for (int i = 0; i < prints.size(); i++) {
            short[] s = prints.get(i).signature();
            for (int b = 0; b < 32; b++) {
                long key = ((long) b << 32) | ((s[2 * b] & 0xFFFFL) << 16) | (s[2 * b + 1] & 0xFFFFL);
                byWideBand.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
            }
        }
        Set<Long> candidates = new HashSet<>();
        for (List<Integer> bucket : byWideBand.values()) {
            for (int x = 0; x < bucket.size() && bucket.size() <= 400; x++) {
                for (int y = x + 1; y < bucket.size(); y++) {
                    int i = bucket.get(x);
                    int j = bucket.get(y);
                    if (prints.get(i).exact() != prints.get(j).exact()) {
                        candidates.add(((long) Math.min(i, j) << 32) | Math.max(i, j));
                    }
                }
            }
        }
        int pairs = 0;
        int found = 0;
        for (long pair : candidates) {
            int i = (int) (pair >>> 32);
            int j = (int) pair;
            // the signature estimate first (its error is ~0.06, so a pair at 0.7 never estimates below 0.5), then exactly
            if (ParagraphFingerprinter.similarity(prints.get(i).signature(), prints.get(j).signature()) < 0.5
                    || ParagraphFingerprinter.resemblance(texts.get(i), texts.get(j)) < THRESHOLD) {
                continue;
            }
            pairs++;
            long[] a = ParagraphFingerprinter.bandKeys(prints.get(i).signature());
            long[] b = ParagraphFingerprinter.bandKeys(prints.get(j).signature());
            if (ParagraphFingerprinter.smallestSharedBand(a, b) != 0L) {
                found++;
            }
        }
        double recall = (double) found / pairs;
        System.out.printf("band recall: %d of %d pairs at resemblance >= %.2f share a band key (%.4f), %d bands x %d rows%n",
                found, pairs, THRESHOLD, recall, ParagraphFingerprinter.BANDS, ParagraphFingerprinter.ROWS);
        assertTrue(pairs > 500, "the corpora hold hundreds of reworded reposts, found " + pairs);
        assertTrue(recall >= 0.99, "band recall " + recall + " (" + found + " of " + pairs + ")");
    }
}
