package io.newsflow.dedup;

import io.newsflow.dedup.DedupRecords.Hit;
import io.newsflow.dedup.DedupRecords.Holder;
import io.newsflow.model.ParagraphRef;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which paragraphs of one article are repeats, from the article's own fingerprints (repeats inside the
 * article) and the owners' hits (repeats of earlier articles). Pure and deterministic: the same inputs always give
 * the same decisions, which is what makes replays reproduce their results.
 *
 * <p>A near-duplicate hit counts only when it came from the smallest band key the two paragraphs share: that
 * key has a single owner, so of two paragraphs at most one can be the other's duplicate, never both.
 */
public final class DuplicateResolver {

    /** The verdict on one paragraph: null {@code duplicateOf} means it is kept. */
    public record Decision(int index, ParagraphRef duplicateOf, String kind, double similarity) {
        public boolean removed() {
            return duplicateOf != null;
        }
    }

    /**
     * Earlier paragraphs of the same article compared per band key. The earliest ones are the originals a repeat
     * points to, and the cap keeps a pathological article (thousands of near-identical paragraphs) linear.
     */
    static final int MAX_LOCAL_CANDIDATES = 16;

    private final double nearThreshold;

    public DuplicateResolver(double nearThreshold) {
        this.nearThreshold = nearThreshold;
    }

    /**
     * The decisions on every paragraph of one article: {@code decisions} with the owners' hits (what is removed),
     * {@code internal} from the article alone (its own repeats: what the classifier leaves out, so themes never depend
     * on which article reached an owner first).
     */
    public record Resolution(List<Decision> decisions, List<Decision> internal) {
    }

    /** {@link #resolveWithInternal}'s {@code decisions}. */
    public List<Decision> resolve(String articleId, List<String> texts, List<Fingerprint> paragraphs, List<Hit> hits) {
        return resolveWithInternal(articleId, texts, paragraphs, hits).decisions();
    }

    /**
     * Both decision lists in one pass: the article's own candidates (same exact fingerprint or band key as an earlier
     * paragraph) are the same with or without hits, so each pair is verified once, and each paragraph's shingles are
     * computed once however many candidates it takes part in.
     */
    public Resolution resolveWithInternal(String articleId, List<String> texts, List<Fingerprint> paragraphs,
                                          List<Hit> hits) {
        Map<Integer, List<Hit>> hitsByParagraph = new HashMap<>();
        for (Hit h : hits) {
            hitsByParagraph.computeIfAbsent(h.index(), i -> new ArrayList<>()).add(h);
        }
        Map<Long, Integer> firstByExact = new HashMap<>();
        Map<Long, List<Integer>> earlierByBand = new HashMap<>();
        long[][] shingles = new long[paragraphs.size()][];
        List<Decision> decisions = new ArrayList<>(paragraphs.size());
        List<Decision> internal = new ArrayList<>(paragraphs.size());

        for (int i = 0; i < paragraphs.size(); i++) {
            Fingerprint p = paragraphs.get(i);
            long[] bands = p.signature() == null ? new long[0] : ParagraphFingerprinter.bandKeys(p.signature());
            List<Hit> own = hitsByParagraph.getOrDefault(i, List.of());
            Integer earlier = firstByExact.get(p.exact());
            Decision localExact = earlier == null ? null
                    : new Decision(i, new ParagraphRef(articleId, earlier), "EXACT", 1.0);
            Decision localNear = localExact != null || p.signature() == null ? null
                    : nearestEarlier(i, p, bands, articleId, texts, paragraphs, earlierByBand, shingles);
            Decision alone = localExact != null ? localExact : aboveThreshold(localNear);
            Decision withHits = exactHit(i, p, own);
            if (withHits == null) {
                withHits = localExact != null ? localExact : aboveThreshold(better(nearestHit(i, p, bands, own), localNear));
            }
            decisions.add(withHits != null ? withHits : new Decision(i, null, null, 0));
            internal.add(alone != null ? alone : new Decision(i, null, null, 0));
            firstByExact.putIfAbsent(p.exact(), i);
            for (long b : bands) {
                List<Integer> bucket = earlierByBand.computeIfAbsent(b, k -> new ArrayList<>());
                if (bucket.size() < MAX_LOCAL_CANDIDATES) {
                    bucket.add(i);
                }
            }
        }
        return new Resolution(decisions, internal);
    }

    private static Decision exactHit(int i, Fingerprint p, List<Hit> hits) {
        for (Hit h : hits) {
            if (h.key() == ParagraphFingerprinter.exactKey(p.exact())) {
                return new Decision(i, new ParagraphRef(h.holder().articleId(), h.holder().index()), "EXACT", 1.0);
            }
        }
        return null;
    }

    /** The most similar earlier paragraph of another article among the hits, estimated from signatures; or null. */
    private static Decision nearestHit(int i, Fingerprint p, long[] bands, List<Hit> hits) {
        if (p.signature() == null) {
            return null; // short paragraphs only ever match exactly
        }
        Decision best = null;
        for (Hit h : hits) {
            Holder holder = h.holder();
            if (!countsAsNearHit(h.key(), p.exact(), bands, holder)) {
                continue;
            }
            double sim = ParagraphFingerprinter.similarity(p.signature(), holder.signature());
            best = better(best, new Decision(i, new ParagraphRef(holder.articleId(), holder.index()), "NEAR", sim));
        }
        return best;
    }

    /** The most similar earlier paragraph of the same article sharing a band key, verified exactly; or null. */
    private static Decision nearestEarlier(int i, Fingerprint p, long[] bands, String articleId, List<String> texts,
                                           List<Fingerprint> paragraphs, Map<Long, List<Integer>> earlierByBand,
                                           long[][] shingles) {
        Decision best = null;
        java.util.Set<Integer> checked = new java.util.HashSet<>();
        for (long b : bands) {
            for (int j : earlierByBand.getOrDefault(b, List.of())) {
                Fingerprint q = paragraphs.get(j);
                if (q.exact() != p.exact() && checked.add(j)) {
                    // both texts are at hand: verify exactly rather than estimate
                    double sim = ParagraphFingerprinter.resemblance(shinglesOf(i, texts, shingles),
                            shinglesOf(j, texts, shingles));
                    best = better(best, new Decision(i, new ParagraphRef(articleId, j), "NEAR", sim));
                }
            }
        }
        return best;
    }

    private static long[] shinglesOf(int i, List<String> texts, long[][] computed) {
        if (computed[i] == null) {
            computed[i] = ParagraphFingerprinter.shingles(texts.get(i));
        }
        return computed[i];
    }

    private Decision aboveThreshold(Decision d) {
        return d != null && d.similarity() >= nearThreshold ? d : null;
    }

    /**
     * Whether a band-key hit on {@code holder} can make a paragraph (exact fingerprint {@code exact}, band keys
     * {@code bands}) a near duplicate: exact copies are settled by the exact key, and of the band keys two paragraphs
     * share only the smallest counts (it has a single owner). Owners apply it before answering; the resolver again,
     * for verdicts written before they did.
     */
    static boolean countsAsNearHit(long key, long exact, long[] bands, Holder holder) {
        return holder.signature() != null && holder.exact() != exact
                && key == ParagraphFingerprinter.smallestSharedBand(bands, ParagraphFingerprinter.bandKeys(holder.signature()));
    }

    /** Highest similarity wins; ties go to the smaller (article id, index) so the choice is deterministic. */
    private static Decision better(Decision a, Decision b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        int bySim = Double.compare(b.similarity(), a.similarity());
        if (bySim != 0) {
            return bySim > 0 ? b : a;
        }
        int byId = b.duplicateOf().articleId().compareTo(a.duplicateOf().articleId());
        if (byId != 0) {
            return byId < 0 ? b : a;
        }
        return b.duplicateOf().index() < a.duplicateOf().index() ? b : a;
    }
}
